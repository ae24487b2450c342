import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startEmulator, webClient } from './support.js';

// Incoming webhooks: issued by an install with the incoming-webhook scope, posting with Slack's plain-text answers.
let slack: SlackEmulator;

beforeAll(async () => {
  slack = await startEmulator({
    oauth: { clientId: '1.2', clientSecret: 'shh' },
    channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0OPS', name: 'ops', isMember: false }],
  });
});
afterAll(() => slack.stop());

const post = (url: string, body: unknown, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const answer = async (res: Response) => ({ status: res.status, body: await res.text() });

test('an install with incoming-webhook returns incoming_webhook, and posting to it lands in that channel', async () => {
  const url = new URL(`${slack.url}/oauth/v2/authorize`);
  for (const [k, v] of Object.entries({ client_id: '1.2', scope: 'chat:write,incoming-webhook', channel: 'ops', redirect_uri: 'http://127.0.0.1:9/cb' })) {
    url.searchParams.set(k, v);
  }
  const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const res = await webClient(slack, {}, '').oauth.v2.access({ client_id: '1.2', client_secret: 'shh', code, redirect_uri: 'http://127.0.0.1:9/cb' });
  const hook = (res as unknown as { incoming_webhook: Record<string, string> }).incoming_webhook;
  expect(hook).toEqual({
    channel: '#ops', channel_id: 'C0OPS', configuration_url: expect.stringMatching(new RegExp(`^${slack.url}/services/B`)),
    url: expect.stringMatching(new RegExp(`^${slack.url}/services/T0SANDBOX/B[A-Z0-9]+/[a-z0-9]+$`)),
  });

  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*disk full*' } }];
  expect(await answer(await post(hook.url, { text: 'disk full', blocks }))).toEqual({ status: 200, body: 'ok' });
  const [message] = slack.messages('C0OPS');
  expect(message).toMatchObject({ text: 'disk full', blocks: [expect.objectContaining({ type: 'section' })] });
  expect(message.user).toBeUndefined();
  // The bot was never invited to #ops: the webhook posts there anyway.
  expect(slack.webhooks.deliveries.at(-1)).toMatchObject({ url: hook.url, status: 200, ts: message.ts });

  const plain = new URL(url);
  plain.searchParams.set('scope', 'chat:write');
  const code2 = new URL((await fetch(plain, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const without = await webClient(slack, {}, '').oauth.v2.access({ client_id: '1.2', client_secret: 'shh', code: code2, redirect_uri: 'http://127.0.0.1:9/cb' });
  expect(without).not.toHaveProperty('incoming_webhook');
});

test('a webhook made by a test takes a form body with payload= and posts as a bot_message', async () => {
  const hook = slack.webhooks.create({ channel: '#alerts' });
  const form = new URLSearchParams({ payload: JSON.stringify({ text: 'from a form' }) }).toString();
  expect(await answer(await post(hook.url, form, 'application/x-www-form-urlencoded'))).toEqual({ status: 200, body: 'ok' });
  expect(slack.messages('C0ALERTS').at(-1)).toMatchObject({ text: 'from a form', botId: hook.botId });
  const history = await webClient(slack).conversations.history({ channel: 'C0ALERTS' });
  expect(history.messages?.[0]).toMatchObject({ text: 'from a form', subtype: 'bot_message', bot_id: hook.botId });
});

test('webhook errors are Slack plain-text words with their statuses', async () => {
  const hook = slack.webhooks.create({ channel: 'C0ALERTS' });
  const [base, secret] = [hook.url.slice(0, hook.url.lastIndexOf('/')), hook.url.split('/').at(-1)];
  expect(await answer(await post(`${slack.url}/services/T0SANDBOX/B0NOPE/abc`, { text: 'x' }))).toEqual({ status: 404, body: 'no_service' });
  expect(await answer(await post(`${base}/${secret}x`, { text: 'x' }))).toEqual({ status: 403, body: 'invalid_token' });
  expect(await answer(await post(hook.url, '{nope'))).toEqual({ status: 400, body: 'invalid_payload' });
  expect(await answer(await post(hook.url, {}))).toEqual({ status: 400, body: 'no_text' });
  expect(await answer(await post(hook.url, { text: 'x', blocks: [{ text: 'no type' }] }))).toEqual({ status: 400, body: 'invalid_blocks' });

  slack.webhooks.failNext(hook.url, { status: 500, body: 'rollup_error' });
  expect(await answer(await post(hook.url, { text: 'first try' }))).toEqual({ status: 500, body: 'rollup_error' });
  expect(await answer(await post(hook.url, { text: 'second try' }))).toEqual({ status: 200, body: 'ok' });
  expect(slack.messages('C0ALERTS').map((m) => m.text).filter((t) => t.endsWith('try'))).toEqual(['second try']);

  slack.webhooks.failNext(hook.url, { status: 429, body: 'rate_limited', retryAfter: 3 });
  const limited = await post(hook.url, { text: 'x' });
  expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);

  slack.webhooks.revoke(hook.url);
  expect(await answer(await post(hook.url, { text: 'after revoke' }))).toEqual({ status: 403, body: 'invalid_token' });
  expect(slack.webhooks.list().find((h) => h.url === hook.url)?.revoked).toBe(true);
});

test('archiving the channel gives 410 channel_is_archived; uninstalling revokes the team\'s webhooks', async () => {
  slack.addChannel({ id: 'C0TEMP', name: 'temp' });
  const hook = slack.webhooks.create({ channel: 'C0TEMP' });
  slack.archiveChannel('C0TEMP');
  expect(await answer(await post(hook.url, { text: 'x' }))).toEqual({ status: 410, body: 'channel_is_archived' });
  const other = slack.webhooks.create({ channel: 'C0ALERTS' });
  await slack.uninstall('T0SANDBOX').catch(() => undefined);
  expect(await answer(await post(other.url, { text: 'x' }))).toEqual({ status: 403, body: 'invalid_token' });
});
