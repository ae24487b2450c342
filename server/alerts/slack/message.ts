import {
  kubernetesTarget, normaliseSeverity, type Alert, type AlertSource, type AlertStatus, type Severity,
} from '../../../core/alert.js';

/** A Slack `message` event as the Events API delivers it (the subset the parsers read). */
export interface SlackAlertMessage {
  type: 'message'; subtype?: string; channel: string; ts: string; thread_ts?: string; text?: string; user?: string;
  bot_id?: string; app_id?: string; username?: string; bot_profile?: { name?: string; app_id?: string };
  attachments?: Record<string, unknown>[]; blocks?: Record<string, unknown>[]; edited?: unknown;
}

/** The alerts one message carries; they may be firing and/or resolved. */
export interface ParsedSlackAlerts { source: AlertSource; alerts: Alert[] }

export interface Where { teamId: string; channel: string }

export interface AttachmentView {
  title: string; titleLink: string; text: string; fallback: string; pretext: string; footer: string; footerIcon: string;
  color: string; callbackId: string; fields: { title: string; value: string }[];
}
export interface BlockView { type: string; blockId: string; texts: string[] }

/** The message with every field it may carry read defensively: strings or '', arrays of known shapes. */
export interface MessageView {
  ts: string; editedTs?: string; text: string; botName: string; attachments: AttachmentView[]; blocks: BlockView[];
}

/** One alert a parser found, before keys, times and Slack coordinates are added. */
export interface Draft {
  status: AlertStatus; name: string; severity: Severity; summary?: string; description?: string;
  labels: Record<string, string>; annotations?: Record<string, string>; generatorURL?: string;
  /** Labels to read the Kubernetes target from, when they differ from `labels`. */
  targetLabels?: Record<string, string>;
}

export type SourceParser = (view: MessageView, where: Where) => ParsedSlackAlerts | undefined;

export const MAX_DESCRIPTION = 4000;
const MAX_FIELD = 20_000;
const MAX_ALERTS = 100;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown, max = MAX_FIELD): string {
  return typeof value === 'string' ? value.slice(0, max) : typeof value === 'number' ? String(value) : '';
}

function list(value: unknown, max = 50): unknown[] {
  return Array.isArray(value) ? value.slice(0, max) : [];
}

function attachmentView(a: unknown): AttachmentView | undefined {
  if (!isRecord(a)) return undefined;
  const fields = list(a.fields).filter(isRecord).map((f) => ({ title: str(f.title), value: str(f.value) }));
  return {
    title: str(a.title), titleLink: unescapeEntities(str(a.title_link)), text: str(a.text), fallback: str(a.fallback), pretext: str(a.pretext),
    footer: str(a.footer), footerIcon: str(a.footer_icon), color: str(a.color), callbackId: str(a.callback_id), fields,
  };
}

/** Text of rich_text leaves (text, link) at any depth, bounded. */
function richText(node: unknown, out: string[], depth = 0): void {
  if (!isRecord(node) || depth > 6) return;
  if (node.type === 'text' || node.type === 'link') out.push(str(node.text) || str(node.url));
  for (const child of list(node.elements)) richText(child, out, depth + 1);
}

function blockView(b: unknown): BlockView | undefined {
  if (!isRecord(b)) return undefined;
  const texts: string[] = [];
  const push = (t: unknown) => { if (isRecord(t) && str(t.text)) texts.push(str(t.text)); };
  push(b.text);
  for (const f of list(b.fields)) push(f);
  if (b.type === 'rich_text') {
    const parts: string[] = [];
    richText(b, parts);
    if (parts.length) texts.push(parts.join(''));
  } else {
    for (const e of list(b.elements)) push(e);
  }
  return { type: str(b.type), blockId: str(b.block_id), texts };
}

export function viewOf(m: SlackAlertMessage): MessageView {
  const profile = isRecord(m.bot_profile) ? m.bot_profile : {};
  return {
    ts: str(m.ts, 40),
    editedTs: isRecord(m.edited) ? str(m.edited.ts, 40) || undefined : undefined,
    text: str(m.text),
    botName: str(m.username, 200) || str(profile.name, 200),
    attachments: list(m.attachments, 20).map(attachmentView).filter((a): a is AttachmentView => a !== undefined),
    blocks: list(m.blocks).map(blockView).filter((b): b is BlockView => b !== undefined),
  };
}

/** Every human-readable string in the message, raw (Slack-escaped), one per line. */
export function allText(view: MessageView): string {
  const parts = [view.text];
  for (const a of view.attachments) parts.push(a.pretext, a.title, a.text, ...a.fields.flatMap((f) => [f.title, f.value]));
  for (const b of view.blocks) parts.push(...b.texts);
  return parts.filter(Boolean).join('\n');
}

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Slack mrkdwn as delivered (`<url|label>`, `<@U1>`, `<!here>`, `&amp;`) to the text a person reads. */
export function plain(text: string): string {
  return unescapeEntities(text.replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_m, target: string, label?: string) => {
    if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label}` : target;
    if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0]}`;
    return label ?? target;
  }));
}

export function firstUrl(text: string): string | undefined {
  const m = /<(https?:\/\/[^<>|\s]+)(?:\|[^<>]*)?>|(https?:\/\/[^\s<>|]+)/.exec(text);
  return m ? unescapeEntities(m[1] ?? m[2]) : undefined;
}

export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A Slack ts ("1732165961.123459") as an ISO time; undefined when it is not one. */
export function slackTime(ts: string | undefined): string | undefined {
  if (!ts || !/^\d{9,11}(\.\d{1,6})?$/.test(ts)) return undefined;
  return new Date(Number(ts) * 1000).toISOString();
}

/** The severity a word names, or undefined for words normaliseSeverity does not know. */
export function knownSeverity(word: string | undefined): Severity | undefined {
  // Unknown words fall back to whatever fallback is given, so a word is known when two fallbacks agree.
  return word && normaliseSeverity(word, 'info') === normaliseSeverity(word, 'critical') ? normaliseSeverity(word) : undefined;
}

const colours: Record<string, Severity | 'resolved'> = {
  // Slack's named colours, their rendered hex, Slack's brand red/yellow/green, and the integrations' own.
  danger: 'critical', a30200: 'critical', e01e5a: 'critical', d63232: 'critical', e03e2f: 'critical', fa4747: 'critical',
  warning: 'warning', daa038: 'warning', ecb22e: 'warning', ffc227: 'warning', fbe14f: 'info', '2788ce': 'info',
  good: 'resolved', '2eb886': 'resolved', '2eb67d': 'resolved', '36a64f': 'resolved', '4dc771': 'resolved',
};

export function colourMeaning(color: string | undefined): Severity | 'resolved' | undefined {
  return color ? colours[color.trim().replace(/^#/, '').toLowerCase()] : undefined;
}

/** Maps Datadog's Kubernetes tag names onto the label names kubernetesTarget reads, without overriding those. */
export function withKubernetesAliases(labels: Record<string, string>): Record<string, string> {
  const alias = { kube_namespace: 'namespace', kube_deployment: 'deployment', kube_container_name: 'container', kube_node: 'node' };
  const mapped: Record<string, string> = {};
  for (const [from, to] of Object.entries(alias)) if (labels[from]) mapped[to] = labels[from];
  return { ...mapped, ...labels };
}

function bounded(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).slice(0, 100).map(([k, v]) => [k.slice(0, 100), clip(v, 1000)]));
}

/** Drafts to Alerts keyed by the message (CONTRACT section 4): one alert takes the message's key, several get -1, -2, .... */
export function toParsed(source: AlertSource, drafts: Draft[], view: MessageView, where: Where): ParsedSlackAlerts | undefined {
  const startsAt = slackTime(view.ts);
  if (!startsAt || drafts.length === 0) return undefined;
  const base = `slack-${where.teamId}-${where.channel}-${view.ts}`;
  const kept = drafts.slice(0, MAX_ALERTS);
  const alerts = kept.map((d, i): Alert => {
    const name = clip(firstLine(d.name), 200) || 'Slack alert';
    return {
      key: kept.length === 1 ? base : `${base}-${i + 1}`,
      source,
      status: d.status,
      name,
      severity: d.severity,
      summary: clip(firstLine(d.summary ?? '') || name, 500),
      description: clip((d.description ?? '').trim(), MAX_DESCRIPTION),
      labels: bounded(d.labels),
      annotations: bounded(d.annotations ?? {}),
      startsAt,
      ...(d.status === 'resolved' ? { endsAt: slackTime(view.editedTs) ?? startsAt } : {}),
      ...(d.generatorURL ? { generatorURL: d.generatorURL.slice(0, 2000) } : {}),
      target: kubernetesTarget(d.targetLabels ?? d.labels),
      slack: { teamId: where.teamId, channel: where.channel, ts: view.ts },
    };
  });
  return { source, alerts };
}
