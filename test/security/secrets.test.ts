import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import type { Database } from '../../db/index.js';
import { MessagesApiTestServer } from '../../sandbox/anthropic/server.js';
import { DEMO_NAMESPACE, DEMO_POD, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import { SlackEmulator } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { runServer } from '../../server/run.js';
import type { RunningWorker } from '../../worker/run.js';
import { installThroughBrowser } from '../support/oauth.js';
import { findButton, startApp } from '../support/stack.js';
import { unique } from '../support/temporal.js';

// Secrets over a full run: a single-workspace server and worker with the LLM on, then an OAuth server installing a
// workspace. Every log line (server, Bolt, worker, Temporal's runtime, at debug level) is captured from core/logger.ts,
// every request the Messages API server received is kept, and the database rows are read raw.
const SECRETS = {
  botToken: 'xoxb-1111-2222-secretbottoken',
  signingSecret: 'signing-secret-0f9e8d7c6b5a',
  clientSecret: 'client-secret-a1b2c3d4e5f6',
  stateSecret: 'state-secret-5a6b7c8d9e0f',
  anthropicKey: 'sk-ant-api03-secretkey-XYZ123',
  webhookToken: 'alert-webhook-token-77aa88bb',
};
// What a crashing pod's log might print: the model must see none of it.
const LEAKED_IN_LOGS = {
  password: 'Hunter2-Sup3rS3cret!',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sIgNaTuRe123',
  connection: 'Pg-Passw0rd-XYZ',
};
const POD_LOG_SECRETS = [
  `connecting with password=${LEAKED_IN_LOGS.password}`,
  `upstream call failed: Authorization: Bearer ${LEAKED_IN_LOGS.bearer}`,
  `DATABASE_URL=postgres://cart:${LEAKED_IN_LOGS.connection}@db.shop.svc:5432/cart`,
].join('\n');

const logLines: string[] = [];
let dir: string;
let db: Database;
let slack: SlackEmulator;
let k8s: KubernetesTestServer;
let llm: MessagesApiTestServer;
let worker: RunningWorker;
let server: LookoutServer;
let oauthServer: LookoutServer | undefined;

function capturingLogger(name: string) {
  const log = createLogger(name, 'debug');
  // core/logger.ts's own configuration (redaction included), writing here instead of stdout; children made later inherit it.
  (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (line: string) => void logLines.push(line) };
  return log;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-secrets-'));
  const world = demoWorld();
  for (const key of Object.keys(world.logs!)) world.logs![key] = `${POD_LOG_SECRETS}\n${world.logs![key]}`;
  k8s = new KubernetesTestServer({ world });
  await k8s.start();
  k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
  llm = new MessagesApiTestServer({ apiKey: SECRETS.anthropicKey });
  await llm.start();
  // A model that reads the previous container's log, then concludes.
  llm.script([
    [{ type: 'tool_use', name: 'pods_log', input: { namespace: DEMO_NAMESPACE, name: DEMO_POD, previous: true } }],
    [{ type: 'text', text: 'Category: CrashLoopBackOff\nThe cart container cannot reach Redis.' }],
  ]);
  slack = new SlackEmulator({
    signingSecret: SECRETS.signingSecret, botToken: SECRETS.botToken,
    oauth: { clientId: '1111.2222', clientSecret: SECRETS.clientSecret, teams: [{ id: 'T0SECOND', name: 'Second Team' }] },
  });
  await slack.start();
  const env = {
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: unique('secrets'),
    DATABASE_URL: process.env.TEST_DATABASE_URL, SLACK_SIGNING_SECRET: SECRETS.signingSecret, SLACK_API_URL: slack.apiUrl,
    ALERTS_CHANNEL: 'C0ALERTS', APPROVERS: 'U0ALICE', KUBECONFIG: path.join(dir, 'kubeconfig'), ALERT_WEBHOOK_TOKEN: SECRETS.webhookToken,
    ANTHROPIC_API_KEY: SECRETS.anthropicKey, ANTHROPIC_BASE_URL: llm.url, LLM_MODEL: 'claude-test', VERIFY_AFTER_MS: '0', STORM_WINDOW_MS: '0',
  };
  const config = loadConfig({ ...env, SLACK_BOT_TOKEN: SECRETS.botToken });
  const log = capturingLogger('secrets');
  ({ db, worker, server } = await startApp(config, log, slack));
}, 120_000);

afterAll(async () => {
  await oauthServer?.close();
  await server?.close();
  await worker?.shutdown();
  await db?.close();
  await slack?.stop();
  await k8s?.stop();
  await llm?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an incident investigated by the LLM: the model sees the pod log with its secrets redacted', async () => {
  const res = await fetch(`${server.url}/alerts/alertmanager`, {
    method: 'POST', body: JSON.stringify(sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 60_000) })),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.webhookToken}` },
  });
  expect(res.status).toBe(202);
  const alert = await slack.waitFor(() => slack.messages('C0ALERTS').find((m) => !m.threadTs && m.text.includes('KubePodCrashLooping')), 30_000);
  await slack.waitFor(() => slack.thread('C0ALERTS', alert.ts).find((m) => findButton(m, 'approve')), 60_000);

  // The model was asked twice and read the log through its tool: the log did reach it, redacted.
  expect(llm.answeredRequests).toHaveLength(2);
  const sent = llm.requests.map((r) => r.raw).join('\n');
  expect(sent).toContain('[redacted]');
  expect(sent).toContain('connecting with password=');
  for (const secret of [...Object.values(LEAKED_IN_LOGS), ...Object.values(SECRETS).filter((s) => s !== SECRETS.anthropicKey)]) {
    expect({ secret, seen: sent.includes(secret) }).toEqual({ secret, seen: false });
  }
}, 120_000);

test('an OAuth install: the tokens are stored encrypted; no installation row holds a token in plain text', async () => {
  const config = loadConfig({
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: unique('secrets-oauth'),
    DATABASE_URL: process.env.TEST_DATABASE_URL, SLACK_SIGNING_SECRET: SECRETS.signingSecret, SLACK_API_URL: slack.apiUrl,
    SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: SECRETS.clientSecret, SLACK_STATE_SECRET: SECRETS.stateSecret,
  });
  oauthServer = await runServer(config, db, createMetrics(), capturingLogger('secrets-oauth'));
  slack.setAppUrl(oauthServer.url);
  const done = await installThroughBrowser(oauthServer.url, 'T0SECOND');
  expect(done.status).toBe(200);
  const issued = slack.oauth.installs.find((i) => i.teamId === 'T0SECOND')!;
  expect(issued.botToken).toMatch(/^xoxb-/);

  const installations = JSON.stringify(await db.sql`select * from slack_installations`);
  expect(installations).toContain('T0SECOND');
  expect(installations).not.toMatch(/xox[bpae]-/);
  expect(installations).not.toContain(issued.botToken);
});

test('no log line of the whole run holds a token, a secret or a key', () => {
  const all = logLines.join('');
  // The capture did see the run: the worker, Temporal's runtime, Bolt and the servers all logged.
  expect(all).toContain('worker polling');
  expect(all).toContain('"component":"temporal"');
  expect(logLines.length).toBeGreaterThan(20);
  const issued = slack.oauth.installs.map((i) => i.botToken);
  for (const secret of [...Object.values(SECRETS), ...issued, ...Object.values(LEAKED_IN_LOGS)]) {
    expect({ secret, logged: all.includes(secret) }).toEqual({ secret, logged: false });
  }
  expect(all).not.toMatch(/xox[bpae]-[A-Za-z0-9-]{6,}/);
});
