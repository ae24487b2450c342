import type { Severity } from '../../../core/alert.js';
import {
  colourMeaning, firstLine, knownSeverity, plain, toParsed, withKubernetesAliases, type SourceParser,
} from './message.js';

/**
 * Datadog monitor notifications in Slack. The Slack integration posts the monitor's event: a title such as
 * `[P1] [Triggered on {kube_namespace:shop,pod_name:cart-7d9f}] Pod is crash looping` (the scope in braces for
 * multi-alert monitors; `[Recovered on …]`, `[Warn on …]`, `[Re-Triggered on …]`, `[No Data on …]`) linked to the
 * monitor, the rendered monitor message, the @-handles notified and, with the channel's "tags" display option, the
 * scope tags (`kube_namespace:shop, pod_name:…`). Also accepted from a Datadog bot: `Triggered: [P1] Monitor name`,
 * `Recovered: …`, `[Warn] …`.
 */
const BRACKETED = /^(?:\[(P[1-5])\]\s*)?\[(Re-Triggered|Triggered|Recovered|Re-Warn|Warn|Re-No Data|No Data|Renotify|Alert|OK)(?: on \{([^{}]*)\})?\]\s*(?:\[(P[1-5])\]\s*)?(.+)$/i;
const PREFIXED = /^(Re-Triggered|Triggered|Recovered|Warn|Warning|No Data|Alert|OK):\s*(?:\[(P[1-5])\]\s*)?(.+)$/i;
const TAG_LINE = /^\s*(?:\*?tags\*?:\*?\s*)?([\w.\-/]+:[^\s,]+(?:\s*,\s*[\w.\-/]+:[^\s,]+)*)\s*$/i;

function addTags(into: Record<string, string>, list: string): void {
  for (const token of list.split(',')) {
    const tag = token.trim();
    const colon = tag.indexOf(':');
    if (colon <= 0 || Object.keys(into).length >= 50) continue;
    const [key, value] = [tag.slice(0, colon), tag.slice(colon + 1)];
    if (/^https?$/i.test(key) || value.startsWith('//')) continue;
    into[key] ??= value;
  }
}

interface Title { transition: string; priority?: string; scope: string; name: string }

function parseTitle(raw: string, fromDatadog: boolean): Title | undefined {
  const line = plain(firstLine(raw)).replace(/^\*+|\*+$/g, '').trim();
  const b = BRACKETED.exec(line);
  // Outside a Datadog bot, only the event title's own shape ("on {scope}" or a priority) is distinctive enough.
  if (b && (fromDatadog || b[3] !== undefined || b[1] || b[4])) {
    return { transition: b[2], priority: b[1] ?? b[4], scope: b[3] ?? '', name: b[5] };
  }
  const p = fromDatadog ? PREFIXED.exec(line) : null;
  return p ? { transition: p[1], priority: p[2], scope: '', name: p[3] } : undefined;
}

export const parseDatadogMessage: SourceParser = (view, where) => {
  const link = view.attachments.map((a) => a.titleLink).find((l) => /datadoghq\.|datad0g\./.test(l)) ?? '';
  const fromDatadog = /datadog/i.test(view.botName) || link !== '';
  const candidates = [...view.attachments.flatMap((a) => [a.title, a.fallback]), view.text];
  const title = candidates.map((c) => parseTitle(c, fromDatadog)).find((t) => t !== undefined);
  if (!title) return undefined;

  const attachment = view.attachments.find((a) => parseTitle(a.title, fromDatadog) || parseTitle(a.fallback, fromDatadog));
  const body = attachment ? [attachment.pretext, attachment.text].filter(Boolean).join('\n')
    : view.text.split('\n').slice(1).join('\n');
  const tags: Record<string, string> = {};
  addTags(tags, title.scope);
  for (const f of attachment?.fields ?? []) if (/tags/i.test(f.title)) addTags(tags, plain(f.value));
  for (const line of body.split('\n').slice(0, 500)) {
    const m = TAG_LINE.exec(plain(line));
    if (m) addTags(tags, m[1]);
  }
  const monitorId = /\/monitors\/?#?(\d+)/.exec(link)?.[1];
  const labels = { ...tags, ...(monitorId ? { monitor_id: monitorId } : {}) };
  const resolved = /^(Recovered|OK)$/i.test(title.transition);
  const colour = colourMeaning(attachment?.color);
  const transitionSeverity: Severity = /warn|no data/i.test(title.transition) ? 'warning' : 'critical';
  return toParsed('datadog', [{
    status: resolved ? 'resolved' : 'firing',
    name: title.name.trim(),
    severity: knownSeverity(title.priority) ?? (colour && colour !== 'resolved' ? colour : undefined)
      ?? (resolved ? 'info' : transitionSeverity),
    summary: title.name,
    description: plain(body),
    labels,
    annotations: {
      transition: title.transition, ...(title.priority ? { priority: title.priority.toUpperCase() } : {}),
      ...(link ? { monitor_url: link } : {}),
    },
    generatorURL: link || undefined,
    targetLabels: withKubernetesAliases(labels),
  }], view, where);
};
