import { ErrorCode } from '@slack/web-api';
import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startEmulator, webClient } from './support.js';

const channels = ['alerts', 'ops', 'infra', 'db', 'web'].map((name, i) => ({
  id: `C0${name.toUpperCase()}${i}`,
  name,
}));
let emulator: SlackEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    channels,
    userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: ['U0ALICE', 'U0BOB'] }],
  });
});
afterAll(async () => {
  await emulator.stop();
});

const alerts = channels[0].id;
const platform = (error: string) => ({
  code: ErrorCode.PlatformError,
  data: expect.objectContaining({ ok: false, error }),
});

test('auth.test answers as the bot of the sandbox team', async () => {
  const res = await webClient(emulator).auth.test();
  expect(res).toMatchObject({
    ok: true,
    team: 'Lookout Sandbox',
    team_id: 'T0SANDBOX',
    user_id: 'U0LOOKOUT',
    bot_id: 'B0LOOKOUT',
  });
  expect(emulator.calls.at(-1)).toMatchObject({ method: 'auth.test' });
  expect(emulator.calls.at(-1)?.args).not.toHaveProperty('token');
});

test('a wrong token is invalid_auth and a missing one not_authed', async () => {
  await expect(
    webClient(emulator, {}, 'xoxb-wrong').chat.postMessage({ channel: alerts, text: 'x' }),
  ).rejects.toMatchObject(platform('invalid_auth'));
  const res = await fetch(`${emulator.apiUrl}auth.test`, { method: 'POST' });
  expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  expect(emulator.messages(alerts)).toHaveLength(0);
});

test('chat.postMessage stores blocks and replies in a thread with increasing Slack-style ts', async () => {
  const client = webClient(emulator);
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*CPU high* on `web-1`' } }];
  const parent = await client.chat.postMessage({ channel: alerts, text: 'CPU high', blocks });
  expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
  expect(parent.message?.blocks?.[0]).toMatchObject({ type: 'section', block_id: expect.any(String) });
  const reply = await client.chat.postMessage({ channel: alerts, thread_ts: parent.ts, text: 'looking' });
  const nested = await client.chat.postMessage({ channel: alerts, thread_ts: reply.ts, text: 'reply to a reply' });
  expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
  expect(emulator.calls.at(-1)?.args.thread_ts).toBe(reply.ts);

  expect(emulator.thread(alerts, parent.ts!).map((m) => m.text)).toEqual(['looking', 'reply to a reply']);
  expect(emulator.thread(alerts, parent.ts!)[1].ts).toBe(nested.ts);
  const replies = await client.conversations.replies({ channel: alerts, ts: parent.ts! });
  expect(replies.messages?.map((m) => m.text)).toEqual(['CPU high', 'looking', 'reply to a reply']);
  expect(replies.messages?.[0]).toMatchObject({
    reply_count: 2,
    thread_ts: parent.ts,
    user: 'U0LOOKOUT',
    bot_id: 'B0LOOKOUT',
  });

  const history = await client.conversations.history({ channel: alerts });
  expect(history.messages?.[0]).toMatchObject({ ts: parent.ts, reply_count: 2 });
  expect(history.messages?.some((m) => m.ts === reply.ts)).toBe(false);
});

test('chat.delete takes a reply out of its thread and a parent out of the channel', async () => {
  const client = webClient(emulator);
  const parent = await client.chat.postMessage({ channel: alerts, text: 'disk full' });
  const first = await client.chat.postMessage({ channel: alerts, thread_ts: parent.ts, text: 'first' });
  await client.chat.postMessage({ channel: alerts, thread_ts: parent.ts, text: 'second' });

  await client.chat.delete({ channel: alerts, ts: first.ts! });
  expect(emulator.thread(alerts, parent.ts!).map((m) => m.text)).toEqual(['second']);
  await expect(client.chat.delete({ channel: alerts, ts: first.ts! })).rejects.toMatchObject(platform('message_not_found'));
  await expect(client.chat.update({ channel: alerts, ts: first.ts!, text: 'x' })).rejects.toMatchObject(platform('message_not_found'));

  await client.chat.delete({ channel: alerts, ts: parent.ts! });
  expect(emulator.messages(alerts).some((m) => m.ts === parent.ts)).toBe(false);
});

test('chat.postMessage validates the channel and the content', async () => {
  const client = webClient(emulator);
  await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject(
    platform('channel_not_found'),
  );
  await expect(client.apiCall('chat.postMessage', { channel: alerts })).rejects.toMatchObject(platform('no_text'));
  await expect(client.apiCall('chat.postMessage', { channel: alerts, blocks: '{nope' })).rejects.toMatchObject(
    platform('invalid_blocks'),
  );
  const byName = await client.chat.postMessage({ channel: '#ops', text: 'by name' });
  expect(byName.channel).toBe(channels[1].id);
});

test('chat.update edits in place, keeps omitted blocks and rejects unknown messages', async () => {
  const client = webClient(emulator);
  const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'Incident' } }];
  const posted = await client.chat.postMessage({ channel: alerts, text: 'v1', blocks });
  const updated = await client.chat.update({ channel: alerts, ts: posted.ts!, text: 'v2' });
  expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'v2' });
  const stored = emulator.messages(alerts).find((m) => m.ts === posted.ts);
  expect(stored).toMatchObject({ text: 'v2', edited: true, blocks: [expect.objectContaining({ type: 'header' })] });
  await client.chat.update({ channel: alerts, ts: posted.ts!, text: 'v3', blocks: [] });
  expect(emulator.messages(alerts).find((m) => m.ts === posted.ts)?.blocks).toBeUndefined();
  await expect(client.chat.update({ channel: alerts, ts: '1.000001', text: 'x' })).rejects.toMatchObject(
    platform('message_not_found'),
  );
});

test('reactions add, list and remove with Slack errors', async () => {
  const client = webClient(emulator);
  const { ts } = await client.chat.postMessage({ channel: alerts, text: 'react to me' });
  await client.reactions.add({ channel: alerts, timestamp: ts!, name: 'eyes' });
  await expect(client.reactions.add({ channel: alerts, timestamp: ts!, name: 'eyes' })).rejects.toMatchObject(
    platform('already_reacted'),
  );
  const got = await client.reactions.get({ channel: alerts, timestamp: ts! });
  expect(got.message?.reactions).toEqual([{ name: 'eyes', users: ['U0LOOKOUT'], count: 1 }]);
  await client.reactions.remove({ channel: alerts, timestamp: ts!, name: 'eyes' });
  await expect(client.reactions.remove({ channel: alerts, timestamp: ts!, name: 'eyes' })).rejects.toMatchObject(
    platform('no_reaction'),
  );
  await expect(client.reactions.add({ channel: alerts, timestamp: '9.000001', name: 'eyes' })).rejects.toMatchObject(
    platform('message_not_found'),
  );
  expect(emulator.messages(alerts).find((m) => m.ts === ts)?.reactions).toEqual([]);
});

test('ephemeral messages and permalinks', async () => {
  const client = webClient(emulator);
  const eph = await client.chat.postEphemeral({ channel: alerts, user: 'U0BOB', text: 'only bob' });
  expect(emulator.messages(alerts).find((m) => m.ts === eph.message_ts)).toMatchObject({
    ephemeralFor: 'U0BOB',
    text: 'only bob',
  });
  await expect(client.chat.postEphemeral({ channel: alerts, user: 'U0NOBODY', text: 'x' })).rejects.toMatchObject(
    platform('user_not_found'),
  );
  const { ts } = await client.chat.postMessage({ channel: alerts, text: 'link me' });
  const link = await client.chat.getPermalink({ channel: alerts, message_ts: ts! });
  expect(link.permalink).toBe(`${emulator.url}/sandbox#${alerts}-${ts}`);
});

test('conversations.list paginates with next_cursor', async () => {
  const client = webClient(emulator);
  const first = await client.conversations.list({ limit: 2 });
  expect(first.channels?.map((c) => c.name)).toEqual(['alerts', 'ops']);
  expect(first.response_metadata?.next_cursor).toBeTruthy();
  const before = emulator.calls.length;
  const names: string[] = [];
  for await (const page of client.paginate('conversations.list', { limit: 2 })) {
    names.push(...(page as unknown as { channels: { name: string }[] }).channels.map((c) => c.name));
  }
  expect(names).toEqual(['alerts', 'ops', 'infra', 'db', 'web']);
  expect(emulator.calls.slice(before).map((c) => c.method)).toEqual(Array(3).fill('conversations.list'));
  await expect(client.conversations.list({ cursor: 'bogus' })).rejects.toMatchObject(platform('invalid_cursor'));
});

test('conversations.open gives a DM that accepts messages', async () => {
  const client = webClient(emulator);
  const dm = await client.conversations.open({ users: 'U0ALICE' });
  expect(dm.channel?.id).toBe('D0ALICE');
  await client.chat.postMessage({ channel: dm.channel!.id!, text: 'psst' });
  expect(emulator.messages('D0ALICE').map((m) => m.text)).toEqual(['psst']);
  const again = await client.conversations.open({ users: 'U0ALICE' });
  expect(again).toMatchObject({ channel: { id: 'D0ALICE' }, already_open: true });
  const ims = await client.conversations.list({ types: 'im' });
  expect(ims.channels).toEqual([expect.objectContaining({ id: 'D0ALICE', is_im: true, user: 'U0ALICE' })]);
  await expect(client.conversations.open({ users: 'U0NOBODY' })).rejects.toMatchObject(platform('user_not_found'));
});

test('users and user groups', async () => {
  const client = webClient(emulator);
  const alice = await client.users.info({ user: 'U0ALICE' });
  expect(alice.user).toMatchObject({ id: 'U0ALICE', name: 'alice', real_name: 'Alice Archer', is_bot: false });
  await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject(platform('user_not_found'));
  const list = await client.users.list({});
  expect(list.members?.map((m) => m.id)).toEqual(['U0LOOKOUT', 'U0ALICE', 'U0BOB', 'U0CAROL']);
  expect((await client.usergroups.users.list({ usergroup: 'S0ONCALL' })).users).toEqual(['U0ALICE', 'U0BOB']);
  await expect(client.usergroups.users.list({ usergroup: 'S0NONE' })).rejects.toMatchObject(
    platform('no_such_subteam'),
  );
});

test('user groups can be seeded and replaced; a token without usergroups:read gets missing_scope', async () => {
  const client = webClient(emulator);
  emulator.setUserGroup({ id: 'S0SRE', handle: 'sre', users: ['U0CAROL'] });
  expect((await client.usergroups.users.list({ usergroup: 'S0SRE' })).users).toEqual(['U0CAROL']);
  emulator.setUserGroup({ id: 'S0SRE', handle: 'sre', users: ['U0BOB', 'U0CAROL'] });
  expect((await client.usergroups.users.list({ usergroup: 'S0SRE' })).users).toEqual(['U0BOB', 'U0CAROL']);
  expect((await client.usergroups.list({})).usergroups?.map((g) => g.id)).toEqual(['S0ONCALL', 'S0SRE']);

  const narrow = await startEmulator({ botScopes: ['chat:write'], userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: [] }] });
  try {
    await expect(webClient(narrow).usergroups.users.list({ usergroup: 'S0ONCALL' })).rejects.toMatchObject({
      data: expect.objectContaining({ ok: false, error: 'missing_scope', needed: 'usergroups:read', provided: 'chat:write' }),
    });
  } finally {
    await narrow.stop();
  }
});

test('unknown methods answer unknown_method', async () => {
  await expect(webClient(emulator).apiCall('pins.add', { channel: alerts })).rejects.toMatchObject(
    platform('unknown_method'),
  );
  expect(emulator.calls.at(-1)).toMatchObject({ method: 'pins.add', args: { channel: alerts } });
});

test('a 429 with Retry-After is honoured by WebClient retries', async () => {
  emulator.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
  const before = emulator.calls.length;
  const started = Date.now();
  const res = await webClient(emulator, { retryConfig: { retries: 1 } }).chat.postMessage({
    channel: alerts,
    text: 'after limit',
  });
  expect(res.ok).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(emulator.calls.slice(before).map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
  expect(emulator.messages(alerts).filter((m) => m.text === 'after limit')).toHaveLength(1);
});

test('rate limits and server errors surface as WebClient errors', async () => {
  emulator.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
  await expect(
    webClient(emulator, { rejectRateLimitedCalls: true }).chat.postMessage({ channel: alerts, text: 'x' }),
  ).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
  emulator.failNext('chat.update', { status: 500 }, 2);
  const client = webClient(emulator);
  const { ts } = await client.chat.postMessage({ channel: alerts, text: 'y' });
  for (let i = 0; i < 2; i++) {
    await expect(client.chat.update({ channel: alerts, ts: ts!, text: 'z' })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 500,
    });
  }
  await expect(client.chat.update({ channel: alerts, ts: ts!, text: 'z' })).resolves.toMatchObject({ ok: true });
});

test('waitFor returns the first truthy value and explains a timeout with the recent messages', async () => {
  let n = 0;
  await expect(emulator.waitFor(() => ++n >= 3 && n)).resolves.toBe(3);
  await expect(emulator.waitFor(() => emulator.messages(alerts).find((m) => m.text === 'never'), 100)).rejects.toThrow(
    /timed out after 100ms waiting for: .*'never'[\s\S]*last messages:\n {2}C0[A-Z0-9]+ /,
  );
});
