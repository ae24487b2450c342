import type { App } from '@slack/bolt';
import type { Decision } from '../../core/incident.js';
import { slackTime, soon } from './actions.js';
import type { ListenerDeps } from './index.js';

/** Reactions on a report: ✅ approves its first proposal, ❌ rejects them all (CONTRACT section 4). */
const reactionDecisions: Record<string, Decision['decision']> = {
  white_check_mark: 'approve',
  heavy_check_mark: 'approve',
  x: 'reject',
};

/**
 * The incident a report belongs to. The index row is written a moment after the report is posted, so a reaction in
 * that window is looked up again before it is taken to be on some other message.
 */
async function findReport(deps: ListenerDeps, channel: string, ts: string, attempts = 4, delayMs = 250) {
  for (let attempt = 1; ; attempt += 1) {
    const incident = await deps.store.findIncidentByReport(channel, ts);
    if (incident || attempt >= attempts) return incident;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/** Any other reaction on a report is feedback on the diagnosis. */
const feedback: Record<string, 'useful' | 'not_useful'> = {
  '+1': 'useful', thumbsup: 'useful', heart: 'useful', tada: 'useful', raised_hands: 'useful', pray: 'useful', star: 'useful',
  '-1': 'not_useful', thumbsdown: 'not_useful', confused: 'not_useful', face_with_rolling_eyes: 'not_useful', disappointed: 'not_useful',
};

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('reaction_added', async ({ event, context, logger }) => {
    if (event.item.type !== 'message' || event.user === context.botUserId) return;
    const decision = reactionDecisions[event.reaction];
    try {
      // Only Lookout's own messages can be reports: those are looked up for longer (uploads and the chart may still be
      // on their way before the index row is written); a reaction on anyone else's message is looked up once.
      const ours = (event as { item_user?: string }).item_user === context.botUserId;
      const incident = await findReport(deps, event.item.channel, event.item.ts, ours ? 16 : 1, 500);
      if (!incident) return;
      // A reaction names a channel and ts; only the incident's own workspace may decide on it.
      if (incident.teamId && incident.teamId !== context.teamId) {
        if (decision) {
          await deps.store.recordRefusal({
            workflowId: incident.workflowId, teamId: context.teamId, userId: event.user, reason: 'other_workspace', detail: { reaction: event.reaction },
          });
        }
        return;
      }
      if (!decision) {
        const reaction = event.reaction.replace(/::skin-tone-\d$/, '');
        await deps.store.recordFeedback({
          workflowId: incident.workflowId, teamId: context.teamId, userId: event.user, reaction, sentiment: feedback[reaction] ?? 'other',
        });
        return;
      }
      // The workflow maps a reaction to its proposals, so an empty proposal ID is expected here.
      await soon(() => deps.incidents.decide(incident.workflowId, {
        proposalId: '', decision, userId: event.user, teamId: context.teamId, at: slackTime(event.event_ts), via: 'reaction',
        id: `reaction:${event.user}:${event.event_ts}:${event.reaction}`,
      }));
      deps.metrics.approvals.inc({ decision, via: 'reaction' });
    } catch (err) {
      logger.error('reaction could not be delivered', err);
    }
  });
}
