import type { App } from '@slack/bolt';
import { alertFingerprint } from '../../core/alert.js';
import { parseSlackAlertMessage, type SlackAlertMessage } from '../alerts/slack/index.js';
import type { ListenerDeps } from './index.js';

/**
 * Messages in watched channels that carry alerts (Alertmanager, Grafana, Sentry, Datadog, other bots) start one
 * incident per alert; a `[RESOLVED]` message, or an edit to one, resolves the matching open incident. Slack retries
 * and duplicate deliveries start nothing new: the workflow ID comes from team, channel and ts.
 */
export function registerAlertWatcher(app: App, deps: ListenerDeps): void {
  app.event('message', async ({ event, context, logger }) => {
    const teamId = context.teamId ?? '';
    const channel = event.channel;
    if (!(await isWatched(deps, teamId, channel))) return;
    const message = unwrap(event as unknown as Record<string, unknown>, channel);
    if (!message) return;
    const parsed = parseSlackAlertMessage(message, { teamId, channel }, { ownBotId: context.botId ?? context.botUserId, ownAppId: context.appId });
    if (!parsed) return;
    for (const alert of parsed.alerts) {
      try {
        deps.metrics.alertsReceived.inc({ source: alert.source, status: alert.status });
        if (alert.status === 'firing') {
          if (!message.edited) await deps.incidents.open(alert, { channel, teamId });
          continue;
        }
        const open = await deps.store.findOpenIncidentByFingerprint(channel, alertFingerprint(alert));
        if (open) await deps.incidents.resolveWorkflow(open.workflowId, alert.startsAt);
      } catch (err) {
        logger.error(`alert from ${alert.source} in ${channel} was not handed to Temporal`, err);
        throw err;
      }
    }
  });
}

async function isWatched(deps: ListenerDeps, teamId: string, channel: string): Promise<boolean> {
  if (deps.config.alertChannels.includes(channel)) return true;
  const settings = await deps.store.workspaceSettings(teamId);
  return settings.alertChannels.includes(channel);
}

/** The message an event is about: new posts as they are, edits as the edited message; nothing else. */
function unwrap(event: Record<string, unknown>, channel: string): SlackAlertMessage | undefined {
  if (event.subtype === 'message_changed') {
    const edited = event.message as Record<string, unknown> | undefined;
    return edited ? ({ ...edited, type: 'message', channel, edited: edited.edited ?? true } as SlackAlertMessage) : undefined;
  }
  if (event.subtype !== undefined && event.subtype !== 'bot_message') return undefined;
  return event as unknown as SlackAlertMessage;
}
