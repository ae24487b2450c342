import { WebClient } from '@slack/web-api';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import type { EmulatedMessage } from '../../sandbox/slack/emulator.js';
import { runServer } from '../../server/run.js';
import { startStack, type Stack } from '../support/stack.js';

// Socket Mode against the emulator's WebSocket server: apps.connections.open (app-level token) -> ws:// URL -> hello
// -> envelopes acked by envelope_id. The same listeners as over HTTP; Lookout's own routes still answer on PORT.
const appToken = 'xapp-1-A0LOOKOUT-socket-test';
let stack: Stack;
let botToken: string;

beforeAll(async () => {
  stack = await startStack({ env: { SLACK_APP_TOKEN: appToken }, slackOptions: { appToken } });
  botToken = stack.config.slack.botToken!;
}, 120_000);
afterAll(async () => { await stack?.close(); });

test('the app connects in Socket Mode with its app-level token; HTTP serves Lookout\'s routes but no Slack events', async () => {
  expect(stack.server.mode).toBe('socket');
  expect(stack.slack.socket.connected).toBe(1);
  expect(stack.slack.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
  expect((await fetch(`${stack.server.url}/healthz`)).status).toBe(200);
  expect(await (await fetch(`${stack.server.url}/readyz`)).json()).toMatchObject({ checks: { temporal: 'ok', postgres: 'ok' } });
  expect((await fetch(`${stack.server.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
});

test('an events_api envelope reaches the listeners and is acked with its envelope_id', async () => {
  const seen: string[] = [];
  stack.server.bolt.event('app_home_opened', async ({ event, context }) => void seen.push(`${event.user} ${context.botToken}`));
  const ack = await stack.slack.socket.send('events_api', {
    token: 'x', team_id: 'T0SANDBOX', api_app_id: 'A0LOOKOUT', type: 'event_callback', event_id: 'Ev0SOCKET1', event_time: 1,
    // Large enough for a WebSocket frame with a 64-bit length.
    event: { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1.000001', view: { text: 'x'.repeat(70_000) } },
  });
  expect(ack.envelopeId).toBe(stack.slack.socket.envelopes.at(-1)?.envelope_id);
  expect(await stack.slack.waitFor(() => seen[0])).toBe(`U0ALICE ${botToken}`);
});

test('same listeners as over HTTP: a foreign button is refused, a reaction approves, each envelope acked', async () => {
  // A button that belongs to no incident: the actions listener says so through response_url.
  const web = new WebClient(botToken, { slackApiUrl: stack.slack.apiUrl });
  const value = JSON.stringify({ workflowId: 'no-such-incident', proposalId: 'p1' });
  const { ts } = await web.chat.postMessage({
    channel: 'C0ALERTS', text: 'stray',
    blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'approve_p1', text: { type: 'plain_text', text: 'Approve' }, value }] }],
  });
  expect((await stack.slack.clickButton({ channel: 'C0ALERTS', ts: ts!, actionId: 'approve_p1', userId: 'U0ALICE' })).status).toBe(200);
  expect(stack.slack.socket.envelopes.at(-1)).toMatchObject({ type: 'interactive', accepts_response_payload: true });
  const refusal = await stack.slack.waitFor(() => stack.slack.responses.find((r) => JSON.stringify(r).includes('does not belong to an open Lookout incident')));
  expect(refusal).toBeDefined();

  // The whole approval path: webhook -> report -> ✅ by the approver over the socket -> exactly one pod deleted.
  const res = await fetch(`${stack.server.url}/alerts/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleWebhook('crashloop')),
  });
  expect(res.status).toBe(202);
  const workflowId: string = (await res.json()).results[0].workflowId;
  const report = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => m.threadTs && hasApprove(m) && JSON.stringify(m.blocks).includes(workflowId)), 30_000);
  const acksBefore = stack.slack.socket.acks.length;
  await stack.slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: 'white_check_mark', userId: 'U0ALICE' });
  expect(stack.slack.socket.acks.length).toBe(acksBefore + 1);
  const outcome = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', report.threadTs!).find((m) => m.text.includes('approved by <@U0ALICE>')), 30_000);
  expect(outcome.text).toContain('pods_delete');
  expect(stack.k8s.mutations.filter((m) => m.verb === 'delete' && m.kind === 'Pod' && !m.dryRun)).toHaveLength(1);
});

test('a refused app-level token stops start-up with one line saying what to check', async () => {
  const config = { ...stack.config, slack: { ...stack.config.slack, appToken: 'xapp-1-revoked' } };
  const log = createLogger('socket-e2e', 'silent');
  const error = await runServer(config, stack.db, createMetrics(), log).catch((err: unknown) => err as Error);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe(
    'Slack refused the app-level token (invalid_auth): check SLACK_APP_TOKEN (xapp-..., scope connections:write) and that Socket Mode is enabled for the app',
  );
  expect(stack.slack.socket.connected).toBe(1);
});

test('closing the server closes its Socket Mode connection cleanly', async () => {
  await stack.server.close();
  expect(stack.slack.socket.connected).toBe(0);
});

function hasApprove(m: EmulatedMessage): boolean {
  return (m.blocks ?? []).some((b) => (b as { type: string; elements?: { action_id?: string }[] }).type === 'actions'
    && !!(b as { elements?: { action_id?: string }[] }).elements?.some((e) => e.action_id?.startsWith('approve')));
}
