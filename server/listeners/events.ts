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

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('reaction_added', async ({ event, context, logger }) => {
    const decision = reactionDecisions[event.reaction];
    if (!decision || event.item.type !== 'message' || event.user === context.botUserId) return;
    try {
      const incident = await deps.store.findIncidentByReport(event.item.channel, event.item.ts);
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
