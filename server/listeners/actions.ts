import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Decision } from '../../core/incident.js';
import type { ButtonValue } from '../../core/slack-blocks.js';
import type { ListenerDeps } from './index.js';

const decisionAction = /^(approve|reject)_/;

/** Approve/Reject buttons on a report: checked against the report they sit on, then signalled to its incident. */
export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: decisionAction }, async ({ ack, body, action, respond, context, logger }) => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const value = parseButtonValue(action.value);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const ts = body.message?.ts ?? body.container?.message_ts;
      // The workspace Bolt authorised this request for (its installation answered), not a field the payload could vary.
      const teamId = context.teamId ?? body.team?.id ?? body.user.team_id;
      const refuse = async (reason: string) => {
        await deps.store.recordRefusal({ workflowId: value?.workflowId, teamId, userId: body.user.id, reason, detail: { channel, ts, value: action.value } });
        await tell('That button does not belong to an open Lookout incident; nothing was changed.');
      };
      // A value that does not match the report it came from is forged or stale: it addresses nothing.
      const report = value && channel && ts ? await soon(() => reportOf(deps, value.workflowId, channel, ts)) : undefined;
      if (!value || !report) return await refuse('not_a_report');
      // Channel IDs and timestamps can be named in any payload: the incident must belong to the requesting workspace.
      if (report.teamId && report.teamId !== teamId) return await refuse('other_workspace');
      const decision: Decision = {
        proposalId: value.proposalId,
        decision: action.action_id.startsWith('approve') ? 'approve' : 'reject',
        userId: body.user.id,
        teamId,
        at: slackTime(action.action_ts),
        via: 'button',
        id: `button:${body.user.id}:${action.action_ts}:${action.action_id}:${value.proposalId}`,
        ...(report.unverified ? { report: { channel: channel!, ts: ts! } } : {}),
      };
      const open = await soon(() => deps.incidents.decide(value.workflowId, decision));
      deps.metrics.approvals.inc({ decision: decision.decision, via: 'button' });
      if (!open) await tell('This incident is already closed; nothing was changed.');
    } catch (err) {
      logger.error('decision could not be delivered', err);
      await tell('Lookout could not record your decision (its workflow service did not answer). Please try again.');
    }
  });
}

/**
 * The incident's workspace when the message is that incident's report, else undefined. The incident index answers
 * first; the workflow itself answers for a report posted a moment ago whose index row is not written yet.
 */
async function reportOf(
  deps: ListenerDeps, workflowId: string, channel: string, ts: string,
): Promise<{ teamId?: string; unverified?: boolean } | undefined> {
  const indexed = await deps.store.findIncidentByReport(channel, ts);
  if (indexed) return indexed.workflowId === workflowId ? { teamId: indexed.teamId } : undefined;
  const live = await deps.incidents.reportOf(workflowId);
  // No worker to ask (it is restarting): the decision goes in as a durable signal naming the message it came from,
  // and the workflow refuses it unless that message is its report.
  if (live?.unknown) return { teamId: live.teamId, unverified: true };
  return live?.channel === channel && live.ts === ts ? { teamId: live.teamId } : undefined;
}

/**
 * Retries a call to Temporal or PostgreSQL for about 15 s: the click is already acknowledged and the answer goes
 * through `respond`, so a restart of either (a blip of seconds) delays a decision instead of losing it.
 */
export async function soon<T>(call: () => Promise<T>, { attempts = 6, firstDelayMs = 500 } = {}): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
    }
  }
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
