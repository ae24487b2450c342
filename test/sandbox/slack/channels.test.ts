import { botScopes } from '../../../core/slack-scopes.js';
import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startEmulator, webClient } from './support.js';

// conversations.list/create/join/info as a bot token sees them, and chat.postMessage to a user ID.
let slack: SlackEmulator;
const scopes = [...Object.keys(botScopes), 'channels:manage', 'channels:join', 'groups:write'];

beforeAll(async () => {
  slack = await startEmulator({
    botScopes: scopes,
    channels: [
      { id: 'C0ALERTS', name: 'alerts' },
      { id: 'C0QUIET', name: 'quiet', isMember: false },
      { id: 'C0SECRET', name: 'secret', isPrivate: true },
      { id: 'C0HIDDEN', name: 'hidden', isPrivate: true, isMember: false },
      { id: 'C0OLD', name: 'old', isArchived: true },
    ],
  });
});
afterAll(() => slack.stop());

const client = () => webClient(slack);
const error = (code: string, extra: Record<string, unknown> = {}) => ({
  data: expect.objectContaining({ ok: false, error: code, ...extra }),
});
const names = (res: { channels?: { name?: string }[] }) => res.channels?.map((c) => c.name);

test('conversations.list shows private channels only when the bot is in them, and honours exclude_archived', async () => {
  expect(names(await client().conversations.list({}))).toEqual(['alerts', 'quiet', 'old']);
  const both = await client().conversations.list({ types: 'public_channel,private_channel', exclude_archived: true });
  expect(names(both)).toEqual(['alerts', 'quiet', 'secret']);
  expect(both.channels?.find((c) => c.name === 'quiet')).toMatchObject({ is_member: false, is_private: false });
  expect(both.channels?.find((c) => c.name === 'secret')).toMatchObject({ is_member: true, is_private: true });
  const all = await client().conversations.list({ types: 'private_channel,public_channel' });
  expect(all.channels?.find((c) => c.name === 'old')).toMatchObject({ is_archived: true });
  await expect(client().conversations.list({ types: 'public_channel,bogus' })).rejects.toMatchObject(error('invalid_types'));
});

test('conversations.list needs the read scope of every type asked for', async () => {
  const narrow = await startEmulator({ botScopes: ['channels:read'] });
  try {
    await expect(webClient(narrow).conversations.list({ types: 'public_channel' })).resolves.toMatchObject({ ok: true });
    await expect(webClient(narrow).conversations.list({ types: 'public_channel,private_channel' }))
      .rejects.toMatchObject(error('missing_scope', { needed: 'groups:read', provided: 'channels:read' }));
  } finally {
    await narrow.stop();
  }
});

test('conversations.list pages with limit and next_cursor until the cursor is empty', async () => {
  const emu = await startEmulator({ botScopes: scopes, channels: [] });
  try {
    const ids = emu.addChannels(250, { prefix: 'svc' });
    emu.addChannels(5, { prefix: 'priv', isPrivate: true, isMember: false });
    const first = await webClient(emu).conversations.list({ limit: 100, types: 'public_channel,private_channel' });
    expect(first.channels).toHaveLength(100);
    expect(first.response_metadata?.next_cursor).not.toBe('');
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of webClient(emu).paginate('conversations.list', { limit: 100, types: 'public_channel,private_channel' })) {
      const channels = (page as unknown as { channels: { id: string }[] }).channels;
      pages.push(channels.length);
      seen.push(...channels.map((c) => c.id));
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(seen).toEqual(ids);
    const last = await webClient(emu).conversations.list({ limit: 100, cursor: first.response_metadata!.next_cursor });
    expect(last.channels?.[0]?.name).toBe('svc-101');
  } finally {
    await emu.stop();
  }
});

test('conversations.create validates names like Slack and makes public or private channels', async () => {
  for (const [name, code] of [
    ['Incident-42', 'invalid_name_specials'],
    ['incident 42', 'invalid_name_specials'],
    ['inc.42', 'invalid_name_specials'],
    ['---', 'invalid_name_punctuation'],
    ['a'.repeat(81), 'invalid_name_maxlength'],
    ['', 'invalid_name_required'],
    ['alerts', 'name_taken'],
    ['old', 'name_taken'],
  ]) {
    await expect(client().conversations.create({ name })).rejects.toMatchObject(error(code));
  }
  const created = await client().conversations.create({ name: 'a'.repeat(80) });
  expect(created.channel).toMatchObject({ is_member: true, is_channel: true, is_private: false, creator: 'U0LOOKOUT' });
  const priv = await client().conversations.create({ name: 'inc-42_db', is_private: true });
  expect(priv.channel).toMatchObject({ name: 'inc-42_db', is_private: true, is_member: true });
  expect(priv.channel?.id).toMatch(/^C[A-Z0-9]+$/);
  const listed = await client().conversations.list({ types: 'private_channel' });
  expect(names(listed)).toContain('inc-42_db');
  await client().chat.postMessage({ channel: priv.channel!.id!, text: 'incident channel' });
  expect(slack.messages(priv.channel!.id!).map((m) => m.text)).toEqual(['incident channel']);
});

test('conversations.create and join need channels:manage and channels:join', async () => {
  // An installation from before these scopes were in the manifest.
  const granted = Object.keys(botScopes).filter((s) => !['channels:manage', 'groups:write', 'channels:join'].includes(s));
  const lookout = await startEmulator({ channels: [{ id: 'C0QUIET', name: 'quiet', isMember: false }], botScopes: granted });
  try {
    await expect(webClient(lookout).conversations.create({ name: 'new' }))
      .rejects.toMatchObject(error('missing_scope', { needed: 'channels:manage' }));
    await expect(webClient(lookout).conversations.create({ name: 'new', is_private: true }))
      .rejects.toMatchObject(error('missing_scope', { needed: 'groups:write' }));
    await expect(webClient(lookout).conversations.join({ channel: 'C0QUIET' }))
      .rejects.toMatchObject(error('missing_scope', { needed: 'channels:join' }));
  } finally {
    await lookout.stop();
  }
});

test('conversations.join joins public channels only; info reports is_member', async () => {
  await expect(client().chat.postMessage({ channel: 'C0QUIET', text: 'x' })).rejects.toMatchObject(error('not_in_channel'));
  expect((await client().conversations.info({ channel: 'C0QUIET' })).channel).toMatchObject({ name: 'quiet', is_member: false });
  const joined = await client().conversations.join({ channel: 'C0QUIET' });
  expect(joined.channel).toMatchObject({ id: 'C0QUIET', is_member: true });
  expect((await client().conversations.info({ channel: 'C0QUIET' })).channel).toMatchObject({ is_member: true });
  expect(await client().conversations.join({ channel: 'C0QUIET' })).toMatchObject({ warning: 'already_in_channel' });
  await client().chat.postMessage({ channel: 'C0QUIET', text: 'now I can' });
  expect(slack.messages('C0QUIET').map((m) => m.text)).toEqual(['now I can']);

  await expect(client().conversations.join({ channel: 'C0SECRET' })).rejects.toMatchObject(error('method_not_supported_for_channel_type'));
  await expect(client().conversations.join({ channel: 'C0HIDDEN' })).rejects.toMatchObject(error('channel_not_found'));
  await expect(client().conversations.info({ channel: 'C0HIDDEN' })).rejects.toMatchObject(error('channel_not_found'));
  await expect(client().conversations.join({ channel: 'C0OLD' })).rejects.toMatchObject(error('is_archived'));
  await expect(client().conversations.join({ channel: 'C0NOPE' })).rejects.toMatchObject(error('channel_not_found'));
});

test('archiving a channel makes posts to it fail with is_archived', async () => {
  slack.addChannel({ id: 'C0GOING', name: 'going' });
  await client().chat.postMessage({ channel: 'C0GOING', text: 'before' });
  slack.archiveChannel('going');
  await expect(client().chat.postMessage({ channel: 'C0GOING', text: 'after' })).rejects.toMatchObject(error('is_archived'));
  expect((await client().conversations.info({ channel: 'C0GOING' })).channel).toMatchObject({ is_archived: true });
});

test('chat.postMessage to a user ID posts in the DM with that person', async () => {
  expect(slack.dm('U0BOB')).toEqual([]);
  const posted = await client().chat.postMessage({ channel: 'U0BOB', text: 'you are on call' });
  expect(posted.channel).toMatch(/^D[A-Z0-9]+$/);
  expect(slack.dm('U0BOB').map((m) => m.text)).toEqual(['you are on call']);
  expect(slack.messages(posted.channel!).map((m) => m.ts)).toEqual([posted.ts]);
  const again = await client().chat.postMessage({ channel: 'U0BOB', text: 'still' });
  expect(again.channel).toBe(posted.channel);
  const history = await client().conversations.history({ channel: posted.channel! });
  expect(history.messages?.map((m) => m.text)).toEqual(['still', 'you are on call']);
  const ims = await client().conversations.list({ types: 'im' });
  expect(ims.channels).toEqual([expect.objectContaining({ id: posted.channel, is_im: true, user: 'U0BOB' })]);
  await expect(client().chat.postMessage({ channel: 'U0NOBODY', text: 'x' })).rejects.toMatchObject(error('channel_not_found'));
});
