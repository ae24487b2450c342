import { verifySlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { signSlackRequest } from '../../../sandbox/slack/signature.js';
import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { SECRET, startBolt, startEmulator, webClient } from './support.js';
import type { BoltHarness } from './support.js';

let emulator: SlackEmulator;
let bolt: BoltHarness;

beforeAll(async () => {
  emulator = await startEmulator();
  bolt = await startBolt(emulator);
  emulator.setAppUrl(bolt.url);
});
afterAll(async () => {
  await bolt.stop();
  await emulator.stop();
});

const approvalBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Restart *web-1*?' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [
      {
        type: 'button',
        action_id: 'approve_restart',
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: 'inc-7',
      },
      {
        type: 'button',
        action_id: 'approve_replace',
        text: { type: 'plain_text', text: 'Approve & close' },
        value: 'replace',
      },
    ],
  },
];

async function postApproval(thread?: string) {
  const client = webClient(emulator);
  return await client.chat.postMessage({
    channel: 'C0ALERTS',
    text: 'Restart web-1?',
    blocks: approvalBlocks,
    thread_ts: thread,
  });
}

test('signSlackRequest matches what Bolt verifies, and only with the same secret', () => {
  const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
  const ts = Math.floor(Date.now() / 1000);
  const signature = signSlackRequest(SECRET, ts, body);
  expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts };
  expect(() => verifySlackRequest({ signingSecret: SECRET, body, headers })).not.toThrow();
  expect(() => verifySlackRequest({ signingSecret: 'other', body, headers })).toThrow(/signature mismatch/);
  expect(signSlackRequest(SECRET, ts, `${body}x`)).not.toBe(signature);
});

test('clickButton sends a signed block_actions payload that Bolt routes to the action handler', async () => {
  const { ts } = await postApproval();
  const res = await emulator.clickButton({
    channel: 'C0ALERTS',
    ts: ts!,
    actionId: 'approve_restart',
    userId: 'U0ALICE',
  });
  expect(res.status).toBe(200);
  const { body, action } = await emulator.waitFor(() => bolt.actions.find((a) => a.body.message?.ts === ts));
  expect(action).toMatchObject({ type: 'button', action_id: 'approve_restart', block_id: 'decision', value: 'inc-7' });
  expect(body).toMatchObject({
    type: 'block_actions',
    user: { id: 'U0ALICE', username: 'alice', team_id: 'T0SANDBOX' },
    team: { id: 'T0SANDBOX' },
    api_app_id: 'A0LOOKOUT',
    channel: { id: 'C0ALERTS', name: 'alerts' },
    container: { type: 'message', message_ts: ts, channel_id: 'C0ALERTS', is_ephemeral: false },
    message: {
      ts,
      text: 'Restart web-1?',
      blocks: [expect.objectContaining({ type: 'section' }), expect.objectContaining({ block_id: 'decision' })],
    },
    response_url: expect.stringMatching(new RegExp(`^${emulator.url}/response/`)),
    trigger_id: expect.any(String),
  });
  // The handler answered through response_url: an ephemeral note for the person who clicked.
  const note = await emulator.waitFor(() => emulator.messages('C0ALERTS').find((m) => m.ephemeralFor === 'U0ALICE'));
  expect(note.text).toBe('Thanks <@U0ALICE>');
  expect(emulator.responses.at(-1)?.target).toEqual({ channel: 'C0ALERTS', messageTs: ts, userId: 'U0ALICE' });
});

test('a response_url replace_original rewrites the clicked message', async () => {
  const { ts } = await postApproval();
  await emulator.clickButton({ channel: 'C0ALERTS', ts: ts!, actionId: 'approve_replace', userId: 'U0BOB' });
  const replaced = await emulator.waitFor(() =>
    emulator.messages('C0ALERTS').find((m) => m.ts === ts && m.text === 'Approved'),
  );
  expect(replaced.blocks).toBeUndefined();
});

test('clickButton on a thread reply carries thread_ts and explains a missing button', async () => {
  const parent = await webClient(emulator).chat.postMessage({ channel: 'C0ALERTS', text: 'parent' });
  const { ts } = await postApproval(parent.ts);
  await emulator.clickButton({ channel: 'C0ALERTS', ts: ts!, actionId: 'approve_restart', userId: 'U0CAROL' });
  const { body } = await emulator.waitFor(() => bolt.actions.find((a) => a.body.message?.ts === ts));
  expect(body.container).toMatchObject({ message_ts: ts, thread_ts: parent.ts });
  await expect(
    emulator.clickButton({ channel: 'C0ALERTS', ts: ts!, actionId: 'nope', userId: 'U0ALICE' }),
  ).rejects.toThrow(/no button "nope".*approve_restart, approve_replace/);
});

test('addReaction stores the reaction and sends reaction_added; the app answers in the thread', async () => {
  const { ts } = await webClient(emulator).chat.postMessage({ channel: 'C0ALERTS', text: 'disk full' });
  // messages() hands out live objects, so a test can hold one and wait for it to change.
  const held = emulator.messages('C0ALERTS').find((m) => m.ts === ts)!;
  const res = await emulator.addReaction({ channel: 'C0ALERTS', ts: ts!, name: 'eyes', userId: 'U0BOB' });
  expect(res.status).toBe(200);
  const { event } = await emulator.waitFor(() => bolt.reactions.find((r) => r.event.item.ts === ts));
  expect(event).toMatchObject({
    type: 'reaction_added',
    user: 'U0BOB',
    reaction: 'eyes',
    item_user: 'U0LOOKOUT',
    item: { type: 'message', channel: 'C0ALERTS', ts },
  });
  expect(held.reactions).toEqual([{ name: 'eyes', users: ['U0BOB'] }]);
  const reply = await emulator.waitFor(() => emulator.thread('C0ALERTS', ts!)[0]);
  expect(reply).toMatchObject({ text: 'seen :eyes:', user: 'U0LOOKOUT' });
  await expect(emulator.addReaction({ channel: 'C0ALERTS', ts: ts!, name: 'eyes', userId: 'U0BOB' })).rejects.toThrow(
    /already reacted/,
  );
});

test('postUserMessage sends message events for people and for other bots', async () => {
  const { ts } = await emulator.postUserMessage({ channel: 'C0ALERTS', text: 'is anyone on this?', userId: 'U0CAROL' });
  const human = await emulator.waitFor(() => bolt.messages.find((m) => m.ts === ts));
  expect(human).toMatchObject({
    type: 'message',
    user: 'U0CAROL',
    text: 'is anyone on this?',
    channel: 'C0ALERTS',
    channel_type: 'channel',
  });
  expect(human.subtype).toBeUndefined();

  const attachments = [{ color: 'danger', title: 'KubePodCrashLooping', text: 'pod api-7 restarting' }];
  const bot = await emulator.postUserMessage({
    channel: 'C0ALERTS',
    text: '',
    botId: 'B0ALERTMGR',
    attachments,
    threadTs: ts,
  });
  const botEvent = await emulator.waitFor(() => bolt.messages.find((m) => m.ts === bot.ts));
  expect(botEvent).toMatchObject({ subtype: 'bot_message', bot_id: 'B0ALERTMGR', attachments, thread_ts: ts });
  expect(emulator.thread('C0ALERTS', ts)).toEqual([expect.objectContaining({ botId: 'B0ALERTMGR', attachments })]);
});

test('sendEvent sets Slack retry headers, which Bolt exposes as context.retryNum', async () => {
  const { ts } = await webClient(emulator).chat.postMessage({ channel: 'C0ALERTS', text: 'retry me' });
  const event = {
    type: 'reaction_added',
    user: 'U0ALICE',
    reaction: 'fire',
    item_user: 'U0LOOKOUT',
    item: { type: 'message', channel: 'C0ALERTS', ts },
  };
  const res = await emulator.sendEvent(event, { retryNum: 2, eventId: 'Ev0RETRY' });
  expect(res.status).toBe(200);
  const seen = await emulator.waitFor(() => bolt.reactions.find((r) => r.event.item.ts === ts));
  expect(seen.retryNum).toBe(2);
});

test('requests signed with the wrong secret are refused with 401', async () => {
  const impostor = await startEmulator({ signingSecret: 'not-the-apps-secret', appUrl: bolt.url });
  try {
    const before = bolt.reactions.length;
    const event = {
      type: 'reaction_added',
      user: 'U0ALICE',
      reaction: 'x',
      item: { type: 'message', channel: 'C0ALERTS', ts: '1.000100' },
    };
    const res = await impostor.sendEvent(event);
    expect(res.status).toBe(401);
    const unsigned = await fetch(`${bolt.url}/slack/events`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(401);
    expect(bolt.reactions.length).toBe(before);
  } finally {
    await impostor.stop();
  }
});

test('without an app URL the emulator says so instead of guessing', async () => {
  const lonely = await startEmulator();
  try {
    const { ts } = await new WebClient('xoxb-sandbox-test-token', { slackApiUrl: lonely.apiUrl }).chat.postMessage({
      channel: 'C0ALERTS',
      text: 'x',
    });
    await expect(lonely.addReaction({ channel: 'C0ALERTS', ts: ts!, name: 'eyes', userId: 'U0ALICE' })).rejects.toThrow(
      /no appUrl/,
    );
  } finally {
    await lonely.stop();
  }
});
