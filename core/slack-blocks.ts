import type { Alert } from './alert.js';
import type { Remediation } from './diagnosis.js';
import type { Decision, ReportView } from './incident.js';

/** Block Kit rendering for everything Lookout posts. Pure: data in, `{text, blocks}` out. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

const severityIcon = { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const;

/** Action IDs begin with `approve` / `reject` (CONTRACT section 4); the value names the incident and the proposal. */
export const approveActionId = (proposalId: string) => `approve_${proposalId}`;
export const rejectActionId = (proposalId: string) => `reject_${proposalId}`;
export interface ButtonValue { workflowId: string; proposalId: string }

export function renderAlertMessage(alert: Alert, banner?: string): SlackMessage {
  const state = alert.status === 'resolved' ? 'RESOLVED' : 'FIRING';
  const title = `${severityIcon[alert.severity]} [${state}] ${alert.name} (${alert.severity})`;
  const where = [alert.target.namespace, alert.target.pod ?? alert.target.deployment].filter(Boolean).join('/');
  const fields = [
    field('Source', alert.source),
    ...(where ? [field('Target', where)] : []),
    field('Started', alert.startsAt),
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.replace(/:[a-z_]+: /, '').slice(0, 150) } },
    { type: 'section', text: mrkdwn(`*${escape(alert.summary)}*${alert.description ? `\n${escape(alert.description)}` : ''}`), fields },
  ];
  if (alert.generatorURL) blocks.push(context(`<${alert.generatorURL}|Open in the alert source>`));
  if (banner) blocks.push(context(banner));
  return { text: `${title}: ${alert.summary}`, blocks };
}

export function renderReport(view: ReportView, banner?: string): SlackMessage {
  const { diagnosis } = view;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `Diagnosis: ${diagnosis.category}` } },
    { type: 'section', text: mrkdwn(escape(diagnosis.summary)) },
  ];
  if (diagnosis.evidence.length) {
    blocks.push({ type: 'section', text: mrkdwn(`*Evidence*\n${diagnosis.evidence.map((e) => `• ${escape(e)}`).join('\n')}`.slice(0, 3000)) });
  }
  blocks.push({ type: 'divider' });
  diagnosis.remediations.forEach((proposal, index) => blocks.push(...proposalBlocks(view, proposal, index === 0)));
  if (view.closedReason) blocks.push(context(`:lock: ${escape(view.closedReason)}`));
  blocks.push(context(`<${view.auditUrl}|Audit trail in Temporal> · incident \`${view.workflowId}\``));
  if (banner) blocks.push(context(banner));
  return { text: `Diagnosis for ${view.alert.name}: ${diagnosis.category}. ${diagnosis.summary}`, blocks };
}

function proposalBlocks(view: ReportView, proposal: Remediation, recommended: boolean): Record<string, unknown>[] {
  const label = recommended ? 'Recommended' : 'Alternative';
  const target = proposal.target.name ? ` \`${proposal.target.namespace ?? ''}/${proposal.target.name}\`` : '';
  const params = Object.keys(proposal.params).length ? `\nParameters: \`${JSON.stringify(proposal.params)}\`` : '';
  const text = proposal.action === 'none'
    ? `*${label}:* no automatic action\n${escape(proposal.rationale)}`
    : `*${label}:* \`${proposal.action}\`${target}\n${escape(proposal.rationale)}${params}`;
  const blocks: Record<string, unknown>[] = [{ type: 'section', block_id: `proposal_${proposal.id}`, text: mrkdwn(text) }];
  if (proposal.action === 'none') return blocks;

  const decision = view.decisions.find((d) => d.proposalId === proposal.id);
  const outcome = view.outcomes.find((o) => o.proposalId === proposal.id);
  if (decision) blocks.push(context(decisionLine(decision)));
  if (outcome) blocks.push(context(`${outcome.ok ? ':white_check_mark:' : ':x:'} ${escape(outcome.summary)}`));
  if (!decision && !view.closedReason) {
    const value = JSON.stringify({ workflowId: view.workflowId, proposalId: proposal.id } satisfies ButtonValue);
    blocks.push({
      type: 'actions',
      block_id: `decide_${proposal.id}`,
      elements: [
        { type: 'button', action_id: approveActionId(proposal.id), style: 'primary', text: plain('Approve'), value },
        { type: 'button', action_id: rejectActionId(proposal.id), style: 'danger', text: plain('Reject'), value },
      ],
    });
  }
  return blocks;
}

export function decisionLine(decision: Decision): string {
  const verb = decision.decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry_sign: Rejected';
  const at = new Date(decision.at);
  const time = Number.isNaN(at.getTime()) ? decision.at : `${at.toISOString().slice(11, 16)} UTC`;
  return `${verb} by <@${decision.userId}> at ${time}${decision.via === 'reaction' ? ' (reaction)' : ''}`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: text.slice(0, 3000) });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const field = (name: string, value: string) => mrkdwn(`*${name}*\n${escape(value)}`);
const context = (text: string) => ({ type: 'context', elements: [mrkdwn(text)] });
