import { parseAlertmanagerMessage } from './alertmanager.js';
import { parseDatadogMessage } from './datadog.js';
import { parseGenericMessage } from './generic.js';
import { parseGrafanaMessage } from './grafana.js';
import { isRecord, viewOf, type ParsedSlackAlerts, type SlackAlertMessage, type SourceParser, type Where } from './message.js';
import { parseSentryMessage } from './sentry.js';

export type { ParsedSlackAlerts, SlackAlertMessage } from './message.js';

export interface SlackAlertOptions {
  /** Lookout's own bot: its bot ID (B…) or bot user ID (U…). Its posts are never alerts. */
  ownBotId?: string;
  /** Lookout's own app ID (A…). */
  ownAppId?: string;
}

/** Most specific first: Grafana and Alertmanager share a title shape, and the generic fallback takes anything alert-like. */
const parsers: SourceParser[] = [
  parseAlertmanagerMessage, parseGrafanaMessage, parseSentryMessage, parseDatadogMessage, parseGenericMessage,
];

function ignored(m: SlackAlertMessage, { ownBotId, ownAppId }: SlackAlertOptions): boolean {
  // Joins, deletions, file shares, thread broadcasts...; message_changed is unwrapped by the caller (event.message).
  if (m.subtype !== undefined && m.subtype !== 'bot_message') return true;
  if (m.thread_ts !== undefined && m.thread_ts !== m.ts) return true;
  const profile = isRecord(m.bot_profile) ? m.bot_profile : {};
  // Monitoring integrations post as bots; a person pasting an alert's text is not a new alert.
  if (!m.bot_id && m.subtype !== 'bot_message') return true;
  if (ownBotId && (m.bot_id === ownBotId || m.user === ownBotId)) return true;
  return Boolean(ownAppId && (m.app_id === ownAppId || profile.app_id === ownAppId));
}

/** undefined when the message is not an alert from a known or recognisable monitoring source. Never throws. */
export function parseSlackAlertMessage(
  message: SlackAlertMessage, where: { teamId: string; channel: string }, options: SlackAlertOptions = {},
): ParsedSlackAlerts | undefined {
  try {
    if (!isRecord(message) || message.type !== 'message' || typeof message.ts !== 'string') return undefined;
    if (!isRecord(where) || !where.teamId || !where.channel || ignored(message, options ?? {})) return undefined;
    const view = viewOf(message);
    const at: Where = { teamId: where.teamId, channel: where.channel };
    for (const parse of parsers) {
      const parsed = parse(view, at);
      if (parsed) return parsed;
    }
    return undefined;
  } catch {
    // Input from third parties: a shape no parser foresaw is "not an alert", never a failed event delivery.
    return undefined;
  }
}

// Shared with the store, which indexes every incident by it.
export { alertFingerprint } from '../../../core/alert.js';
