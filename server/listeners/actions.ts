import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Decision } from '../../core/incident.js';
import type { ButtonValue } from '../../core/slack-blocks.js';
import type { ListenerDeps } from './index.js';

const decisionAction = /^(approve|reject)_/;

/** Approve/Reject buttons on a report: checked against the report they sit on, then signalled to its incident. */
export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: decisionAction }, async ({ ack, body, action, respond, logger }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const value = parseButtonValue(action.value);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const ts = body.message?.ts ?? body.container?.message_ts;
      // A value that does not match the report it came from is forged or stale: it addresses nothing.
      if (!value || !channel || !ts || !(await isReportOf(deps, value.workflowId, channel, ts))) {
        await tell('That button does not belong to an open Lookout incident; nothing was changed.');
        return;
      }
      const decision: Decision = {
        proposalId: value.proposalId,
        decision: action.action_id.startsWith('approve') ? 'approve' : 'reject',
        userId: body.user.id,
        teamId: body.team?.id ?? body.user.team_id,
        at: slackTime(action.action_ts),
        via: 'button',
      };
      const open = await deps.incidents.decide(value.workflowId, decision);
      deps.metrics.approvals.inc({ decision: decision.decision, via: 'button' });
      if (!open) await tell('This incident is already closed; nothing was changed.');
    } catch (err) {
      logger.error('decision could not be delivered', err);
      await tell('Lookout could not record your decision (its workflow service did not answer). Please try again.');
    }
  });
}

/**
 * Whether the message is the incident's report. The incident index answers first; the workflow itself answers for a
 * report posted a moment ago whose index row is not written yet.
 */
async function isReportOf(deps: ListenerDeps, workflowId: string, channel: string, ts: string): Promise<boolean> {
  const indexed = await deps.store.findIncidentByReport(channel, ts);
  if (indexed) return indexed.workflowId === workflowId;
  const live = await deps.incidents.reportOf(workflowId);
  return live?.channel === channel && live.ts === ts;
}

export function parseButtonValue(raw: string | undefined): ButtonValue | undefined {
  try {
    const value = JSON.parse(raw ?? '') as Partial<ButtonValue>;
    if (typeof value.workflowId === 'string' && typeof value.proposalId === 'string' && /^p\d{1,3}$/.test(value.proposalId)) {
      return { workflowId: value.workflowId, proposalId: value.proposalId };
    }
  } catch {
    // not JSON: treated as a foreign button below
  }
  return undefined;
}

/** Slack's '1700000000.123456' timestamps as ISO; now when absent. */
export function slackTime(ts: string | undefined): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString();
}
