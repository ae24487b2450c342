import type { MessageView, SourceParser } from './message.js';
import { parseStatusTitle, splitTextAlerts, templatedAlerts } from './text-alerts.js';

/**
 * Grafana unified alerting's Slack contact point (grafana/alerting receivers/slack/v1/slack.go and
 * templates/default_template.go): one attachment whose title is `[FIRING:n] <group values> (<common values>)`,
 * text the default.message template (`**Firing**` / `**Resolved**` sections of `Value:`, `Labels:`, `Annotations:`,
 * `Source:`, `Silence:` blocks), colour #D63232 / #36a64f, footer `Grafana v<version>` with Grafana's icon.
 */
export function isGrafanaMessage(view: MessageView): boolean {
  return /grafana/i.test(view.botName) || view.attachments.some((a) =>
    /^Grafana\b/.test(a.footer) || /grafana\.com/.test(a.footerIcon) || /\/alerting\/(list|grafana\/|silence)/.test(a.titleLink)
    || /^\s*\*\*(Firing|Resolved)\*\*\s*$/m.test(a.text));
}

export const parseGrafanaMessage: SourceParser = (view, where) => {
  if (!isGrafanaMessage(view)) return undefined;
  const a = view.attachments.find((x) => parseStatusTitle(x.title) || splitTextAlerts(x.text).length > 0);
  if (a) return templatedAlerts('grafana', { title: a.title, text: a.text, color: a.color, link: a.titleLink }, view, where);
  // A custom contact point may put everything in the message text.
  const [title, ...rest] = view.text.split('\n');
  return parseStatusTitle(title) ? templatedAlerts('grafana', { title, text: rest.join('\n') }, view, where) : undefined;
};
