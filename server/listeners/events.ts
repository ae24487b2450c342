import type { App } from '@slack/bolt';
import type { Decision } from '../../core/incident.js';
import { slackTime } from './actions.js';
import type { ListenerDeps } from './index.js';

/** Reactions on a report: ✅ approves its first proposal, ❌ rejects them all (CONTRACT section 4). */
const reactionDecisions: Record<string, Decision['decision']> = {
  white_check_mark: 'approve',
  heavy_check_mark: 'approve',
  x: 'reject',
};

/**
 * The incident a report belongs to. The index row is written just after the report is posted, so a reaction in that
 * instant is looked up again briefly before it is taken to be on some other message.
 */
async function findReport(deps: ListenerDeps, channel: string, ts: string, attempts = 4, delayMs = 250) {
  for (let attempt = 1; ; attempt += 1) {
    const incident = await deps.store.findIncidentByReport(channel, ts);
    if (incident || attempt >= attempts) return incident;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('reaction_added', async ({ event, context, logger }) => {
    const decision = reactionDecisions[event.reaction];
    if (!decision || event.item.type !== 'message' || event.user === context.botUserId) return;
    try {
      const incident = await findReport(deps, event.item.channel, event.item.ts);
      if (!incident) return;
      // The workflow maps a reaction to its proposals, so an empty proposal ID is expected here.
      await deps.incidents.decide(incident.workflowId, {
        proposalId: '', decision, userId: event.user, teamId: context.teamId, at: slackTime(event.event_ts), via: 'reaction',
      });
      deps.metrics.approvals.inc({ decision, via: 'reaction' });
    } catch (err) {
      logger.error('reaction could not be delivered', err);
    }
  });
}
