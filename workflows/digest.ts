import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import { groupByChannel, renderDigest } from '../core/digest.js';

type Activities = ReturnType<typeof createActivities>;

const store = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

const slack = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
});

export interface DigestInput {
  /** Only this workspace's incidents; every workspace's when unset. */
  teamId?: string;
}

/** The daily digest (started by the `lookout-daily-digest` Schedule): one message per channel with open incidents. */
export async function digestWorkflow(input: DigestInput = {}): Promise<{ channels: number; incidents: number }> {
  const incidents = await store.listOpenIncidents({ teamId: input.teamId });
  const channels = groupByChannel(incidents);
  const now = Date.now();
  let posted = 0;
  for (const group of channels) {
    const text = renderDigest(group.incidents, { now });
    if (!text) continue;
    try {
      await slack.postChannelMessage({ teamId: group.teamId, channel: group.channel, text });
      posted += 1;
    } catch (err) {
      // One channel the bot cannot post to (archived, bot removed) must not cost the others their digest.
      const cause = err instanceof ActivityFailure ? err.cause : err;
      log.warn('digest not posted', { channel: group.channel, error: (cause as Error | undefined)?.message });
    }
  }
  log.info('digest posted', { channels: posted, incidents: incidents.length });
  return { channels: posted, incidents: incidents.length };
}
