import type { Alert } from './alert.js';
import type { Diagnosis, Remediation } from './diagnosis.js';
import type { Decision, ReportView } from './incident.js';
import { slackSafeUrl } from './links.js';

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

const severityTitle = { critical: '🚨 CRITICAL', warning: '⚠️ WARNING', info: 'ℹ️ INFO' } as const;
const MAX_BLOCKS = 50;
const MAX_EVIDENCE = 12;
const BLOCKS_PER_PROPOSAL = 4;

export function renderReport(view: ReportView, banner?: string): SlackMessage {
  const { diagnosis, alert } = view;
  const title = `${severityTitle[alert.severity] ?? alert.severity.toUpperCase()} · ${alert.name} — ${diagnosis.category}`;
  const head: Record<string, unknown>[] = [
    { type: 'header', text: plain(clip(title, 150)) },
    { type: 'section', text: mrkdwn(escape(clip(diagnosis.summary, 2900))) },
  ];
  if (diagnosis.evidence.length) head.push({ type: 'section', text: mrkdwn(evidenceText(diagnosis.evidence)) });
  if (diagnosis.rootCause?.trim()) head.push({ type: 'section', text: mrkdwn(`*Root cause*\n${escape(clip(diagnosis.rootCause, 2800))}`) });
  head.push(context(engineLine(diagnosis.engine)), { type: 'divider' });

  const tail: Record<string, unknown>[] = [];
  if (view.closedReason) tail.push(context(`:lock: ${escape(clip(view.closedReason, 1000))}`));
  tail.push(context(linksLine(view)));
  if (banner) tail.push(context(banner));

  // Each proposal takes at most four blocks; those that would pass Slack's 50-block limit are summarised in one line.
  const room = Math.floor((MAX_BLOCKS - head.length - tail.length - 1) / BLOCKS_PER_PROPOSAL);
  const shown = diagnosis.remediations.slice(0, room);
  const body = shown.flatMap((proposal, index) => proposalBlocks(view, proposal, index === 0));
  const hidden = diagnosis.remediations.length - shown.length;
  if (hidden > 0) body.push(context(`${hidden} more proposal${hidden === 1 ? '' : 's'} not shown (Slack's block limit).`));

  const rootCause = diagnosis.rootCause ? ` Root cause: ${diagnosis.rootCause}` : '';
  // The fallback is what notifications show; Slack parses it as mrkdwn too, so model text is escaped here as well.
  const text = escape(clip(`Diagnosis for ${alert.name}: ${diagnosis.category}. ${diagnosis.summary}${rootCause}`, 2900));
  return { text, blocks: [...head, ...body, ...tail] };
}

/** Bulleted, at most MAX_EVIDENCE items, each clipped so the section stays under Slack's 3000 characters. */
function evidenceText(evidence: string[]): string {
  const lines = ['*Evidence*'];
  let length = lines[0].length;
  for (const item of evidence.slice(0, MAX_EVIDENCE)) {
    const line = `• ${escape(clip(item, 400))}`;
    if (length + line.length + 1 > 2900) break;
    lines.push(line);
    length += line.length + 1;
  }
  const more = evidence.length - (lines.length - 1);
  if (more > 0) lines.push(`_…and ${more} more_`);
  return lines.join('\n');
}

/** Who reached the diagnosis, and what it cost when the LLM did. */
export function engineLine(engine: Diagnosis['engine']): string {
  const who = !engine || engine.kind === 'runbook'
    ? 'Diagnosed by the runbook analyser'
    : `Diagnosed by ${escape(clip(engine.model, 100))} in ${count(engine.turns, 'turn')}, ${count(engine.toolCalls, 'tool call')}, `
      + `${count(engine.inputTokens, 'input token')}`;
  return engine?.note ? `${who}. ${escape(clip(engine.note, 1500))}` : who;
}

function linksLine(view: ReportView): string {
  const links = (view.links ?? []).flatMap((l) => {
    const url = slackSafeUrl(l.url);
    return url ? [`<${url}|${linkLabel(l.label)}>`] : [];
  });
  return [...links, `<${view.auditUrl}|Audit trail in Temporal>`, `incident \`${view.workflowId}\``].join(' · ');
}

function proposalBlocks(view: ReportView, proposal: Remediation, recommended: boolean): Record<string, unknown>[] {
  const label = recommended ? 'Recommended' : 'Alternative';
  const decision = view.decisions.find((d) => d.proposalId === proposal.id);
  const outcome = view.outcomes.find((o) => o.proposalId === proposal.id);
  // Once the change ran, its outcome says what happened; the dry run's forecast would only repeat or contradict it.
  const preview = outcome || proposal.action === 'none' ? undefined : view.previews?.[proposal.id];
  const lines = proposal.action === 'none'
    ? [`*${label}:* no automatic action`, escape(clip(proposal.rationale, 1000))]
    : [`*${label}:* ${describeProposal(proposal)}`, escape(clip(proposal.rationale, 1000))];
  if (preview) lines.push(`${preview.ok ? '✓' : '⚠'} ${escape(clip(preview.text, 1000))}`);
  const blocks: Record<string, unknown>[] = [{ type: 'section', block_id: `proposal_${proposal.id}`, text: mrkdwn(lines.join('\n')) }];
  if (proposal.action === 'none') return blocks;

  const decisions = view.decisions.filter((d) => d.proposalId === proposal.id);
  const secondWanted = view.awaitingSecondApproval?.includes(proposal.id) ?? false;
  for (const d of decisions) blocks.push(context(decisionLine(d)));
  if (secondWanted) blocks.push(context(':raised_hand: Destructive: a second approver must approve too.'));
  if (outcome) blocks.push(context(`${outcome.ok ? ':white_check_mark:' : ':x:'} ${escape(clip(outcome.summary, 1500))}`));
  if ((!decision || secondWanted) && !outcome && !view.closedReason) {
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

/** What a proposal will change, in words, as mrkdwn with every model- or cluster-supplied value escaped. */
export function describeProposal(proposal: Remediation): string {
  const { target, params } = proposal;
  const where = code([target.namespace, target.name].filter(Boolean).join('/') || 'unknown target');
  switch (proposal.action) {
    case 'pods_delete':
      return `delete pod ${where} (its controller starts a replacement)`;
    case 'resources_patch': {
      const changes = [...quantityChanges(params.limits, 'limit'), ...quantityChanges(params.requests, 'request')];
      const container = typeof params.container === 'string' ? ` on container ${code(params.container)}` : '';
      return `patch deployment ${where}: ${changes.join(', ') || 'resources'}${container}`;
    }
    case 'deployments_scale':
      return `scale deployment ${where} → ${escape(String(params.replicas))} replicas`;
    case 'deployments_rollout_restart':
      return `rollout restart of deployment ${where} (pods replaced one by one)`;
    case 'deployments_rollout_undo':
      return `roll back deployment ${where} to ${params.toRevision === undefined ? 'the previous revision' : `revision ${escape(String(params.toRevision))}`}`;
    case 'argocd_sync_application':
      return `sync ArgoCD application ${code(target.name ?? 'unknown')}`
        + (typeof params.revision === 'string' ? ` to revision ${code(params.revision)}` : ' to its target revision');
    default:
      return code(proposal.action);
  }
}

function quantityChanges(value: unknown, kind: 'limit' | 'request'): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).map(([resource, q]) => `${escape(resource)} ${kind} → ${escape(String(q))}`);
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

/** At most `max` characters, ending in … when cut; applied before escaping so no entity is split. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
// Inline code cannot hold a backtick; the value is escaped like any other text.
const code = (text: string) => `\`${escape(clip(text.replace(/`/g, "'"), 200))}\``;
// A link label ends at `>` and cannot hold `|`; escaping covers `<>&`.
const linkLabel = (text: string) => escape(clip(text.replace(/\|/g, '/'), 80));
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: text.slice(0, 3000) });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const field = (name: string, value: string) => mrkdwn(`*${name}*\n${escape(value)}`);
const context = (text: string) => ({ type: 'context', elements: [mrkdwn(text)] });
