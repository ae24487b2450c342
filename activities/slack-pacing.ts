import { ApplicationFailure } from '@temporalio/activity';
import type postgres from 'postgres';

/** Spaces posts to one channel at Slack's pace; a slot is reserved before each post. */
export interface ChannelPacer {
  waitForSlot(teamId: string | undefined, channel: string): Promise<void>;
}

/** Waits longer than this are handed back to Temporal as a retry delay rather than held in the activity. */
const MAX_HOLD_MS = 10_000;

/**
 * Slack allows about one message per second per channel, with short bursts. This is the generic cell rate algorithm:
 * `next_slot` is the theoretical arrival time of the next message; up to `burst` messages go at once, then one per
 * interval. Slots live in PostgreSQL, so the pace holds across worker processes and restarts: a slot is never given
 * out twice, and a burst is spread out, never dropped.
 */
export function createChannelPacer(sql: postgres.Sql, { intervalMs = 1000, burst = 3 } = {}): ChannelPacer {
  const tolerance = intervalMs * burst;
  return {
    async waitForSlot(teamId, channel) {
      if (intervalMs <= 0) return;
      const [row] = await sql<{ wait_ms: number }[]>`
        insert into slack_channel_pacing (team_id, channel, next_slot)
        values (${teamId ?? ''}, ${channel}, clock_timestamp() + ${intervalMs} * interval '1 millisecond')
        on conflict (team_id, channel) do update
          set next_slot = greatest(slack_channel_pacing.next_slot, clock_timestamp()) + ${intervalMs} * interval '1 millisecond'
        returning greatest(0, extract(epoch from (next_slot - clock_timestamp())) * 1000 - ${tolerance})::float8 as wait_ms`;
      const wait = Math.ceil(row.wait_ms);
      if (wait > MAX_HOLD_MS) {
        throw ApplicationFailure.create({ message: `channel ${channel} is busy; posting in ${wait} ms`, type: 'SlackPacing', nextRetryDelay: wait });
      }
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}
