import type { SourceParser } from './message.js';
import { isGrafanaMessage } from './grafana.js';
import { parseStatusTitle, templatedAlerts } from './text-alerts.js';

/**
 * Alertmanager's Slack notifier (prometheus/alertmanager notify/slack/slack.go, template/default.tmpl): one
 * attachment with `title` = slack.default.title (`[FIRING:n] <group label values> (<other common label values>)` or
 * `[RESOLVED] ...`), `title_link` = `<externalURL>/#/alerts?receiver=...`, `fallback` = `<title> | <title_link>`,
 * `color` danger/good, and `text` empty by default or a custom template ranging over the alerts. Newer releases can
 * edit the group's message in place (chat.update with its ts), so an edit can turn `[FIRING:1]` into `[RESOLVED]`.
 */
export const parseAlertmanagerMessage: SourceParser = (view, where) => {
  if (isGrafanaMessage(view)) return undefined;
  for (const a of view.attachments) {
    const title = [a.title, a.fallback.split(' | ')[0]].find((t) => parseStatusTitle(t));
    if (title) return templatedAlerts('alertmanager', { title, text: a.text, color: a.color, link: a.titleLink }, view, where);
  }
  // Relays and custom receivers sometimes post the same template as plain message text.
  const [title, ...rest] = view.text.trim().split('\n');
  return parseStatusTitle(title) ? templatedAlerts('alertmanager', { title, text: rest.join('\n') }, view, where) : undefined;
};
