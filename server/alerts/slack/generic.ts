import type { Severity } from '../../../core/alert.js';
import {
  allText, colourMeaning, firstLine, knownSeverity, plain, toParsed, withKubernetesAliases, type SourceParser,
} from './message.js';

/**
 * Any other bot message (the caller has already dropped human ones) whose headline reads like an alert:
 * `CRITICAL: disk full on node-3`, `:rotating_light: Checkout error rate above 5%`, `RESOLVED: …`.
 * Release notes, deploy notices and chatter carry none of these words and are not alerts.
 */
const ALERT_WORDS = new RegExp([
  String.raw`\b(?:firing|alert(?:ing)?|alarm|critical|crit|warning|emergency|fatal|panic|outage|unreachable|unavailable`,
  String.raw`|unhealthy|degraded|failing|failure|error rate|errors? (?:spike|budget)|high (?:error|latency|cpu|memory|load)`,
  String.raw`|crash ?loop\w*|oom ?killed|disk (?:full|space)|out of memory|timed? ?out|sev ?[1-3]|p[1-3])\b`,
  String.raw`|\b(?:is|are|was|were|went|been|gone)\s+down\b|(?:^|\s)down[:!]`,
].join(''), 'i');
const RESOLVED_WORDS = /^(?:\[?(?:resolved|recovered|ok)\]?\s*[:\-–|\]]|:white_check_mark:|✅)|\b(?:is back up|has recovered|back to normal)\b/i;
const PREFIX = /^\s*(?::[a-z0-9_+-]+:\s*|[\u{1F300}-\u{1FAFF}\u2600-\u27BF]\uFE0F?\s*|\[[^\]]{1,30}\]\s*|(?:critical|crit|warning|warn|alert|alarm|firing|resolved|recovered|ok|info|error|fatal|emergency|p[1-5]|sev ?[1-5])\s*[:\-–|]\s*)+/iu;
const SEVERITY_WORD = /\b(critical|crit|fatal|emergency|error|warning|warn|info|sev ?[1-4]|p[1-5])\b/i;
const KUBE_PAIR = /\b(kube_namespace|kube_deployment|kube_container_name|pod_name|namespace|deployment|container|pod|node|host|service|cluster|environment|env)\s*[=:]\s*[`"']?([A-Za-z0-9][\w.\-/]*)/g;

export const parseGenericMessage: SourceParser = (view, where) => {
  const attachment = view.attachments[0];
  const headline = plain(firstLine(attachment?.title || view.text || attachment?.text || attachment?.fallback || ''))
    || plain(firstLine(view.blocks.flatMap((b) => b.texts).join('\n')));
  const body = plain(allText(view));
  const probe = `${headline}\n${body.slice(0, 1000)}`;
  const resolved = RESOLVED_WORDS.test(headline);
  if (!headline || (!ALERT_WORDS.test(probe) && !resolved)) return undefined;

  const labels: Record<string, string> = {};
  for (const m of body.slice(0, 5000).matchAll(KUBE_PAIR)) labels[m[1].toLowerCase()] ??= m[2];
  const colour = colourMeaning(attachment?.color);
  const word = SEVERITY_WORD.exec(headline)?.[1].replace(/\s+/, '');
  const severity: Severity = knownSeverity(word) ?? (colour && colour !== 'resolved' ? colour : undefined)
    ?? (resolved || colour === 'resolved' ? 'info' : 'warning');
  const name = headline.replace(PREFIX, '').trim() || headline;
  return toParsed('slack', [{
    status: resolved || (colour === 'resolved' && !ALERT_WORDS.test(headline)) ? 'resolved' : 'firing',
    name,
    severity,
    summary: headline,
    description: body,
    labels,
    annotations: view.botName ? { bot: view.botName } : {},
    generatorURL: attachment?.titleLink || undefined,
    targetLabels: withKubernetesAliases(labels),
  }], view, where);
};
