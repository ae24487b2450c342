import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../core/config.js';
import { createLogger, type Logger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import { openDatabase, type Database } from '../../db/index.js';
import { demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { PrometheusTestServer } from '../../sandbox/prometheus/server.js';
import { crashloopRestartSeries } from '../../sandbox/samples.js';
import { SlackEmulator, type SlackEmulatorOptions } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { runServer } from '../../server/run.js';
import { buildActivityDeps, startWorker, type RunningWorker } from '../../worker/run.js';
import { unique } from './temporal.js';

export interface Stack {
  config: Config;
  slack: SlackEmulator;
  k8s: KubernetesTestServer;
  prometheus: PrometheusTestServer;
  db: Database;
  worker: RunningWorker;
  server: LookoutServer;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** The settings page (`GET /`) as an admin sees it, signed in with ADMIN_TOKEN (single-workspace mode). */
  settingsPage(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole app over real HTTP, as `npm start` wires it, against the local Slack and Kubernetes servers: the same
 * code paths production uses, with nothing in the app knowing it is under test.
 */
export async function startStack(
  { env = {}, slackOptions = {} }: { env?: Record<string, string>; slackOptions?: Partial<SlackEmulatorOptions> } = {},
): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-stack-'));
  const signingSecret = `secret-${unique('s')}`;
  const botToken = 'xoxb-stack-token';
  const k8s = new KubernetesTestServer({ world: demoWorld() });
  await k8s.start();
  k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const prometheus = new PrometheusTestServer({ series: [crashloopRestartSeries()] });
  await prometheus.start();
  const slack = new SlackEmulator({ signingSecret, botToken, ...slackOptions });
  await slack.start();
  const config = loadConfig({
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: unique('stack'),
    DATABASE_URL: process.env.TEST_DATABASE_URL, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: slack.apiUrl, ALERTS_CHANNEL: 'C0ALERTS', APPROVERS: 'U0ALICE', KUBECONFIG: path.join(dir, 'kubeconfig'),
    PROMETHEUS_URL: prometheus.url, ADMIN_TOKEN: STACK_ADMIN_TOKEN,
    // Seconds, not minutes: verification after a fix, and no storm grouping unless a test asks for it.
    VERIFY_AFTER_MS: '300', STORM_WINDOW_MS: '0',
    ...env,
  });
  const log = createLogger('stack', 'silent');
  const db = await openDatabase({ url: config.databaseUrl, dataDir: dir, log });
  const metrics = createMetrics();
  const worker = await startWorker(config, buildActivityDeps(config, db.sql, metrics), log);
  const server = await runServer(config, db, metrics, log);
  slack.setAppUrl(server.url);
  return {
    config, slack, k8s, prometheus, db, worker, server,
    post: (p, body, headers = {}) => fetch(`${server.url}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    async settingsPage() {
      const home = await fetch(`${server.url}/`);
      const cookie = home.headers.get('set-cookie')!.split(';')[0];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())![1];
      const login = await fetch(`${server.url}/settings/login`, {
        method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, token: config.adminToken ?? '' }),
      });
      const session = login.headers.get('set-cookie')!.split(';')[0];
      return await (await fetch(`${server.url}/`, { headers: { cookie: session } })).text();
    },
    async close() {
      await server.close();
      await worker.shutdown();
      await db.close();
      await slack.stop();
      await k8s.stop();
      await prometheus.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ADMIN_TOKEN of every stack unless a test sets its own. */
export const STACK_ADMIN_TOKEN = 'stack-admin-token';

/** Lookout's own processes for a config, as `npm start` runs them: PostgreSQL (migrated), the worker and the server. */
export async function startApp(config: Config, log: Logger, slack?: SlackEmulator) {
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log });
  const metrics = createMetrics();
  const worker = await startWorker(config, buildActivityDeps(config, db.sql, metrics), log);
  const server = await runServer(config, db, metrics, log);
  slack?.setAppUrl(server.url);
  return { db, worker, server, metrics };
}

export { findButton } from '../../sandbox/slack/emulator.js';

/** Polls an async check until it returns a value. */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
