import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import { openDatabase, type Database } from '../../db/index.js';
import { demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import { SlackEmulator, type EmulatedMessage } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { runServer } from '../../server/run.js';
import { buildActivityDeps, startWorker, type RunningWorker } from '../../worker/run.js';
import { unique } from '../support/temporal.js';

// Socket Mode against the emulator's WebSocket server: apps.connections.open (app-level token) -> ws:// URL -> hello
// -> envelopes acked by envelope_id. The same listeners as over HTTP; Lookout's own routes still answer on PORT.
const appToken = 'xapp-1-A0LOOKOUT-socket-test';
const botToken = 'xoxb-socket-test';
let dir: string;
let db: Database;
let k8s: KubernetesTestServer;
let slack: SlackEmulator;
let worker: RunningWorker;
let server: LookoutServer;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-socket-'));
  k8s = new KubernetesTestServer({ world: demoWorld() });
  await k8s.start();
  k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
  slack = new SlackEmulator({ signingSecret: 'unused-in-socket-mode', botToken, appToken });
  await slack.start();
  env = {
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: unique('socket'),
    DATABASE_URL: process.env.TEST_DATABASE_URL, SLACK_APP_TOKEN: appToken, SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: slack.apiUrl, ALERTS_CHANNEL: 'C0ALERTS', APPROVERS: 'U0ALICE', KUBECONFIG: path.join(dir, 'kubeconfig'),
  };
  const config = loadConfig(env);
  const log = createLogger('socket-e2e', 'silent');
  db = await openDatabase({ url: config.databaseUrl, dataDir: dir, log });
  const metrics = createMetrics();
  worker = await startWorker(config, buildActivityDeps(config, db.sql, metrics), log);
  server = await runServer(config, db, metrics, log);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await worker?.shutdown();
  await db?.close();
  await slack?.stop();
  await k8s?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the app connects in Socket Mode with its app-level token; HTTP serves Lookout\'s routes but no Slack events', async () => {
  expect(server.mode).toBe('socket');
  expect(slack.socket.connected).toBe(1);
  expect(slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ checks: { temporal: 'ok', postgres: 'ok' } });
  expect((await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
});

test('an events_api envelope reaches the listeners and is acked with its envelope_id', async () => {
  const seen: string[] = [];
  server.bolt.event('app_home_opened', async ({ event, context }) => void seen.push(`${event.user} ${context.botToken}`));
  const ack = await slack.socket.send('events_api', {
    token: 'x', team_id: 'T0SANDBOX', api_app_id: 'A0LOOKOUT', type: 'event_callback', event_id: 'Ev0SOCKET1', event_time: 1,
    // Large enough for a WebSocket frame with a 64-bit length.
    event: { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1.000001', view: { text: 'x'.repeat(70_000) } },
  });
  expect(ack.envelopeId).toBe(slack.socket.envelopes.at(-1)?.envelope_id);
  expect(await slack.waitFor(() => seen[0])).toBe(`U0ALICE ${botToken}`);
});

test('same listeners as over HTTP: a foreign button is refused, a reaction approves, each envelope acked', async () => {
  // A button that belongs to no incident: the actions listener says so through response_url.
  const web = new WebClient(botToken, { slackApiUrl: slack.apiUrl });
  const value = JSON.stringify({ workflowId: 'no-such-incident', proposalId: 'p1' });
  const { ts } = await web.chat.postMessage({
    channel: 'C0ALERTS', text: 'stray',
    blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'approve_p1', text: { type: 'plain_text', text: 'Approve' }, value }] }],
  });
  expect((await slack.clickButton({ channel: 'C0ALERTS', ts: ts!, actionId: 'approve_p1', userId: 'U0ALICE' })).status).toBe(200);
  expect(slack.socket.envelopes.at(-1)).toMatchObject({ type: 'interactive', accepts_response_payload: true });
  const refusal = await slack.waitFor(() => slack.responses.find((r) => JSON.stringify(r).includes('does not belong to an open Lookout incident')));
  expect(refusal).toBeDefined();

  // The whole approval path: webhook -> report -> ✅ by the approver over the socket -> exactly one pod deleted.
  const res = await fetch(`${server.url}/alerts/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleWebhook('crashloop')),
  });
  expect(res.status).toBe(202);
  const workflowId: string = (await res.json()).results[0].workflowId;
  const report = await slack.waitFor(() => slack.messages('C0ALERTS').find((m) => m.threadTs && hasApprove(m) && JSON.stringify(m.blocks).includes(workflowId)), 30_000);
  const acksBefore = slack.socket.acks.length;
  await slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: 'white_check_mark', userId: 'U0ALICE' });
  expect(slack.socket.acks.length).toBe(acksBefore + 1);
  const outcome = await slack.waitFor(() => slack.thread('C0ALERTS', report.threadTs!).find((m) => m.text.includes('approved by <@U0ALICE>')), 30_000);
  expect(outcome.text).toContain('pods_delete');
  expect(k8s.mutations.filter((m) => m.verb === 'delete' && m.kind === 'Pod' && !m.dryRun)).toHaveLength(1);
});

test('a refused app-level token stops start-up with one line saying what to check', async () => {
  const config = loadConfig({ ...env, SLACK_APP_TOKEN: 'xapp-1-revoked' });
  const log = createLogger('socket-e2e', 'silent');
  const error = await runServer(config, db, createMetrics(), log).catch((err: unknown) => err as Error);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe(
    'Slack refused the app-level token (invalid_auth): check SLACK_APP_TOKEN (xapp-..., scope connections:write) and that Socket Mode is enabled for the app',
  );
  expect(slack.socket.connected).toBe(1);
});

test('closing the server closes its Socket Mode connection cleanly', async () => {
  await server.close();
  expect(slack.socket.connected).toBe(0);
  server = undefined as unknown as LookoutServer;
});

function hasApprove(m: EmulatedMessage): boolean {
  return (m.blocks ?? []).some((b) => (b as { type: string; elements?: { action_id?: string }[] }).type === 'actions'
    && !!(b as { elements?: { action_id?: string }[] }).elements?.some((e) => e.action_id?.startsWith('approve')));
}
