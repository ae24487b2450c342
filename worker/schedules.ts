import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Connection } from '@temporalio/client';
import type { digestWorkflow } from '../workflows/digest.js';

export const DIGEST_SCHEDULE_ID = 'lookout-daily-digest';

export interface DigestScheduleOptions {
  taskQueue: string;
  /** The client's own namespace when unset. */
  namespace?: string;
  /** When to post, in UTC; 09:00 every day by default. */
  cron?: string;
  /** Tests give each their own; one per deployment otherwise. */
  scheduleId?: string;
  /** Digest only this workspace; every workspace by default. */
  teamId?: string;
}

/**
 * Creates the Schedule that starts digestWorkflow daily, unless it exists: safe on every worker start, and an operator's
 * edits in the Temporal UI (a paused schedule, another time) survive restarts. Resolves to whether it created it.
 */
export async function ensureDigestSchedule(
  client: Client | Connection,
  { taskQueue, namespace, cron = '0 9 * * *', scheduleId = DIGEST_SCHEDULE_ID, teamId }: DigestScheduleOptions,
): Promise<{ created: boolean }> {
  const schedules = client instanceof Client && (!namespace || namespace === client.options.namespace)
    ? client.schedule
    : new Client({ connection: client instanceof Client ? client.connection : client, namespace }).schedule;
  try {
    await schedules.create<typeof digestWorkflow>({
      scheduleId,
      spec: { cronExpressions: [cron], timezone: 'UTC' },
      action: {
        type: 'startWorkflow',
        workflowType: 'digestWorkflow',
        workflowId: scheduleId,
        taskQueue,
        args: [teamId ? { teamId } : {}],
      },
      // A digest still running (Slack slow, worker down) when the next one is due: skip, never pile them up.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return { created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning || /already (exists|running|registered)/i.test(String((err as Error).message))) {
      return { created: false };
    }
    throw err;
  }
}
