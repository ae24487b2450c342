import { temporalUiLink } from '../../core/config.js';
import { slackPermalink } from '../../core/digest.js';
import { notificationTypes, type FieldErrors, type Form } from '../../core/settings.js';
import { botToken, openWebhook, type SettingsDeps, type Visitor } from './context.js';
import { SlackCallError } from './slack-admin.js';
import {
  auditCard, channelsCard, disconnectCard, incidentsCard, layout, messages, settingsForm, slackCard, testCard, type PageModel, type SlackStatus, type TestResult,
} from './views.js';

export interface PageExtras {
  form?: Form;
  errors?: FieldErrors;
  notice?: string;
  error?: string;
  testResults?: TestResult[];
  confirmDisconnect?: boolean;
}

const code = (err: unknown) => (err instanceof SlackCallError ? err.code : (err as Error).message);

/** The signed-in admin's page: everything read fresh from Slack and PostgreSQL, scoped to the visitor's workspace. */
export async function workspacePage(deps: SettingsDeps, v: Visitor & { teamId: string }, extras: PageExtras = {}): Promise<string> {
  const { teamId } = v;
  const token = await botToken(deps, teamId);
  let slack: SlackStatus = { teamId, team: deps.team.name ?? '', url: 'https://slack.com/', botUserId: '', botName: 'Lookout', missing: [], error: 'not_installed' };
  let channels: PageModel['channels'];
  let channelsError: string | undefined;
  if (token) {
    try {
      slack = await deps.slack.authTest(token);
    } catch (err) {
      slack = { ...slack, error: code(err) };
    }
    try {
      channels = await deps.slack.listChannels(token);
    } catch (err) {
      channelsError = code(err);
    }
  }
  const settings = await deps.store.read(teamId);
  const webhooks: Record<string, string> = {};
  for (const type of notificationTypes) {
    const sealed = settings.routing[type]?.webhook;
    if (!sealed) continue;
    webhooks[type] = openWebhook(deps, teamId, type, sealed) ?? 'https://hooks.slack.com/services/?/?/(unreadable: set it again)';
  }
  const incidents = await deps.store.incidents(teamId, { includeUnscoped: deps.mode !== 'oauth' });
  const model: PageModel = { mode: deps.mode, session: v.session, teamId, slack, channels, channelsError, settings, webhooks, ...extras, main: '' };
  const rows = incidents.map((i) => ({
    when: i.created_at.toISOString().replace('T', ' ').slice(0, 16),
    name: i.alert_name,
    status: i.status,
    thread: i.channel && i.alert_ts ? slackPermalink(i.channel, i.alert_ts, slack.url) : undefined,
    temporal: temporalUiLink(deps.config.temporal, i.workflow_id),
  }));
  return layout(`Lookout settings: ${slack.team || teamId}`, `${messages(extras)}<div class="cols"><div>${slackCard(model)}</div><div>${testCard(model, extras.testResults)}</div></div>
${channelsCard(model)}${settingsForm(model)}${incidentsCard(rows)}
${auditCard(await deps.store.audit(teamId), (id) => temporalUiLink(deps.config.temporal, id))}${disconnectCard(model, extras.confirmDisconnect === true)}`, deps.config.banner);
}
