import http from 'node:http';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { slackClientOptions } from '../worker/clients.js';
import type { IncidentGateway } from './incidents.js';
import { registerListeners } from './listeners/index.js';
import { alertRoutes } from './routes/alerts.js';
import { healthRoutes } from './routes/health.js';
import { settingsRoutes } from './routes/settings.js';
import type { ServerStore } from './store.js';

export interface ServerDeps {
  config: Config;
  incidents: IncidentGateway;
  store: ServerStore;
  metrics: Metrics;
  log: Logger;
  checks: Record<string, () => Promise<void>>;
}

export interface LookoutServer {
  bolt: App;
  http: http.Server;
  url: string;
  close(): Promise<void>;
}

/** The Bolt app over an Express receiver, with Lookout's own routes beside `/slack/events`. */
export async function startServer(deps: ServerDeps): Promise<LookoutServer> {
  const { config, log } = deps;
  const { signingSecret, botToken } = config.slack;
  if (!signingSecret || !botToken) {
    throw new Error('Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or run `npm start` for the sandbox');
  }

  const web = express();
  web.disable('x-powered-by');
  const receiver = new ExpressReceiver({ signingSecret, endpoints: '/slack/events', app: web, logger: boltLogger(log) });
  const bolt = new App({
    token: botToken, receiver, clientOptions: slackClientOptions(config), logger: boltLogger(log), deferInitialization: true,
  });
  const team = await verifySlack(bolt, config.slack.apiUrl);
  registerListeners(bolt, deps);
  bolt.error(async (err) => void log.error({ err }, 'unhandled Slack listener error'));

  const alertsChannel = async () =>
    config.alertsChannel ? { channel: config.alertsChannel, teamId: team.team_id } : await deps.store.firstSettingsChannel();
  web.use(healthRoutes({ checks: deps.checks, metrics: deps.metrics }));
  web.use(alertRoutes({ ...deps, alertsChannel, webhookToken: config.alertWebhookToken }));
  web.use(settingsRoutes({ config, store: deps.store, team: { id: team.team_id, name: team.team } }));

  const server = http.createServer(web);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    bolt,
    http: server,
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Initialises Bolt (it checks the token) and says plainly what is wrong when Slack refuses or cannot be reached. */
async function verifySlack(bolt: App, apiUrl: string) {
  try {
    await bolt.init();
    return await bolt.client.auth.test();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code) throw new Error(`Slack refused the bot token (${code}): check SLACK_BOT_TOKEN or reinstall the app`, { cause: err });
    throw new Error(`could not reach Slack at ${apiUrl}: ${(err as Error).message} (check SLACK_API_URL and the network)`, { cause: err });
  }
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
