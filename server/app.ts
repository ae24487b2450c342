import http from 'node:http';
import { App, ExpressReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import express from 'express';
import { requireSlackMode, type Config, type SlackMode } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { slackClientOptions } from '../worker/clients.js';
import type { IncidentGateway } from './incidents.js';
import type { WorkspaceInstallations } from './installation-store.js';
import { registerListeners } from './listeners/index.js';
import { registerLifecycle, type LifecycleDeps } from './listeners/lifecycle.js';
import { alertRoutes } from './routes/alerts.js';
import { healthRoutes } from './routes/health.js';
import { settingsRoutes } from './routes/settings.js';
import { INSTALL_PATH, oauthReceiverOptions } from './slack-install.js';
import { malformedSlackRequest, slackReplayGuard } from './slack-request-guard.js';
import type { Cipher } from '../core/crypto.js';
import { createSlackAdmin } from './settings/slack-admin.js';
import type { SettingsStore } from './settings/store.js';
import type { ServerStore } from './store.js';

export interface ServerDeps {
  config: Config;
  incidents: IncidentGateway;
  store: ServerStore;
  metrics: Metrics;
  log: Logger;
  checks: Record<string, () => Promise<void>>;
  /** Where OAuth installs are kept; required in OAuth mode. */
  installations?: WorkspaceInstallations;
  forgetWorkspace: LifecycleDeps['forgetWorkspace'];
  /** The settings page: its queries, the cipher for webhook URLs, and the key its session cookies are signed with. */
  settings: { store: SettingsStore; cipher: Cipher; sessionSecret: () => Buffer };
}

export interface LookoutServer {
  bolt: App;
  mode: SlackMode['kind'];
  http: http.Server;
  url: string;
  close(): Promise<void>;
}

/** The limit on every request body (CONTRACT: bodies over 1 MB get 413); Bolt's own default is 4 MB. */
const SLACK_BODY_LIMIT = 1024 * 1024;
const receiverLimits = { bodyLimit: SLACK_BODY_LIMIT, processEventErrorHandler: malformedSlackRequest };

interface Team {
  team_id?: string;
  team?: string;
}

/**
 * The Bolt app in the configured mode, with Lookout's own routes on one Express app and port. Over HTTP, Bolt's
 * ExpressReceiver shares that app (`/slack/events`, and in OAuth mode `/slack/install` and `/slack/oauth_redirect`);
 * in Socket Mode, events come over a WebSocket and the port serves Lookout's routes alone. Same listeners in all.
 */
export async function startServer(deps: ServerDeps): Promise<LookoutServer> {
  const { config, log } = deps;
  const mode = requireSlackMode(config.slack);
  const web = express();
  web.disable('x-powered-by');
  if (mode.kind !== 'socket') {
    web.post('/slack/events', slackReplayGuard({ signingSecret: mode.signingSecret, bodyLimit: SLACK_BODY_LIMIT }));
  }
  const { bolt, team, socket } = await createBolt(mode, web, deps);
  registerListeners(bolt, deps);
  registerLifecycle(bolt, { forgetWorkspace: deps.forgetWorkspace, installations: deps.installations });
  bolt.error(async (err) => void log.error({ err }, 'unhandled Slack listener error'));

  const alertsChannel = async () => {
    if (!config.alertsChannel) return await deps.store.firstSettingsChannel();
    // OAuth: ALERTS_CHANNEL belongs to the first workspace installed; others choose channels in their settings.
    const teamId = team.team_id ?? (await deps.installations?.teamIds())?.[0];
    return teamId ? { channel: config.alertsChannel, teamId } : undefined;
  };
  web.use(healthRoutes({ checks: deps.checks, metrics: deps.metrics }));
  web.use(alertRoutes({ ...deps, alertsChannel, webhookToken: config.alertWebhookToken }));
  web.use(settingsRoutes({
    ...deps.settings, config, log, installations: deps.installations, slack: createSlackAdmin(config.slack.apiUrl),
    mode: mode.kind === 'single' && config.sandbox ? 'sandbox' : mode.kind,
    team: { id: team.team_id, name: team.team },
  }));

  const server = http.createServer(web);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '0.0.0.0', () => resolve());
  });
  const closeHttp = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  if (socket) {
    try {
      await connectSocketMode(bolt, config.slack.apiUrl);
    } catch (err) {
      await socket.client.disconnect().catch(() => undefined);
      await closeHttp();
      throw err;
    }
  }
  const { port } = server.address() as { port: number };
  log.info({ mode: mode.kind, port }, 'Slack app ready');
  return {
    bolt,
    mode: mode.kind,
    http: server,
    url: `http://localhost:${port}`,
    async close() {
      // The client's own disconnect waits for the close handshake; the receiver's stop() does not.
      await socket?.client.disconnect();
      await closeHttp();
    },
  };
}

async function createBolt(mode: SlackMode, web: express.Express, deps: ServerDeps) {
  const { config, log } = deps;
  const logger = boltLogger(log);
  const clientOptions = slackClientOptions(config);
  if (mode.kind === 'single') {
    const receiver = new ExpressReceiver({
      signingSecret: mode.signingSecret, endpoints: '/slack/events', app: web, logger, ...receiverLimits,
    });
    const bolt = new App({ token: mode.botToken, receiver, clientOptions, logger, deferInitialization: true });
    return { bolt, team: await verifySlack(bolt, config.slack.apiUrl, 'SLACK_BOT_TOKEN') };
  }
  if (mode.kind === 'oauth') {
    if (!deps.installations) throw new Error('OAuth mode needs an installation store (server/run.ts builds one)');
    const receiver = new ExpressReceiver({
      signingSecret: mode.signingSecret, endpoints: '/slack/events', app: web, logger, ...receiverLimits,
      ...oauthReceiverOptions(mode, { apiUrl: config.slack.apiUrl, installationStore: deps.installations, log }),
    });
    // No token: Bolt's authorize asks the installation store for each event's workspace.
    const bolt = new App({ receiver, clientOptions, logger, deferInitialization: true });
    await bolt.init();
    return { bolt, team: { team: `every workspace that installs Lookout at ${INSTALL_PATH}` } as Team };
  }
  const socket = new SocketModeReceiver({
    appToken: mode.appToken, logger,
    // Few retries: a wrong URL or token should stop start-up with a reason, not back off for minutes.
    installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl, retryConfig: { retries: 2, factor: 1, minTimeout: 200 } } },
  });
  const bolt = new App({ token: mode.botToken, receiver: socket, clientOptions, logger, deferInitialization: true });
  return { bolt, socket, team: await verifySlack(bolt, config.slack.apiUrl, 'SLACK_BOT_TOKEN') };
}

/** Initialises Bolt (it checks the token) and says plainly what is wrong when Slack refuses or cannot be reached. */
async function verifySlack(bolt: App, apiUrl: string, variable: string): Promise<Team> {
  try {
    await bolt.init();
    return await bolt.client.auth.test();
  } catch (err) {
    throw explainSlackError(err, apiUrl, `Slack refused the bot token (%s): check ${variable} or reinstall the app`);
  }
}

/** Opens the Socket Mode connection: apps.connections.open, then the WebSocket until Slack says hello. */
async function connectSocketMode(bolt: App, apiUrl: string, timeoutMs = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      bolt.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Socket Mode did not connect within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    throw explainSlackError(err, apiUrl, 'Slack refused the app-level token (%s): check SLACK_APP_TOKEN (xapp-..., scope connections:write) and that Socket Mode is enabled for the app');
  } finally {
    clearTimeout(timer);
  }
}

function explainSlackError(err: unknown, apiUrl: string, refused: string): Error {
  const code = (err as { data?: { error?: string } }).data?.error;
  if (code) return new Error(refused.replace('%s', code), { cause: err });
  return new Error(`could not reach Slack at ${apiUrl}: ${(err as Error).message} (check SLACK_API_URL and the network)`, { cause: err });
}

/** Bolt's logger interface over pino, so everything logs in one format. */
function boltLogger(log: Logger) {
  const child = log.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map((x) => (x instanceof Error ? x.stack : String(x))).join(' ')),
    setLevel: (l: LogLevel) => { level = l; },
    getLevel: () => level,
    setName: () => undefined,
  };
}
