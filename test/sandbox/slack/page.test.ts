import { mrkdwnToHtml } from '../../../sandbox/slack/mrkdwn.js';
import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startBolt, startEmulator, webClient } from './support.js';
import type { BoltHarness } from './support.js';

let emulator: SlackEmulator;
let bolt: BoltHarness;
const BANNER = ':test_tube: Sandbox: nothing here reaches a real Slack workspace';
const fired: string[] = [];

beforeAll(async () => {
  const run = () => {
    fired.push('sample');
    return 'sample alert sent (202)';
  };
  emulator = await startEmulator({
    banner: BANNER,
    controls: [{ id: 'fire-sample', label: 'Fire <sample> alert', run }],
  });
  bolt = await startBolt(emulator);
  emulator.setAppUrl(bolt.url);
});
afterAll(async () => {
  await bolt.stop();
  await emulator.stop();
});

const names = { userName: (id: string) => ({ U0ALICE: 'alice' })[id] ?? id, channelName: (id: string) => id };
const sandboxPost = (path: string, body: unknown) =>
  fetch(`${emulator.url}/sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('mrkdwn renders the basics and never lets markup through', () => {
  expect(mrkdwnToHtml('*bold* and _it_ and `x<y`', names)).toBe('<b>bold</b> and <i>it</i> and <code>x&lt;y</code>');
  expect(mrkdwnToHtml('```kubectl get pods\n```', names)).toBe('<pre>kubectl get pods\n</pre>');
  expect(mrkdwnToHtml('see <https://grafana.local/d?a=1&amp;b=2|dash> cc <@U0ALICE> <!here>', names)).toBe(
    'see <a href="https://grafana.local/d?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">dash</a> cc ' +
      '<span class="mention">@alice</span> <span class="mention">@here</span>',
  );
  expect(mrkdwnToHtml('<javascript:alert(1)|click>', names)).toBe('click');
  expect(mrkdwnToHtml(':white_check_mark: done :nope:', names)).toBe('✅ done :nope:');
  expect(mrkdwnToHtml('&lt;img src=x onerror=alert(1)&gt; "q"', names)).toBe(
    '&lt;img src=x onerror=alert(1)&gt; &quot;q&quot;',
  );
});

test('GET / redirects to /sandbox, which shows the banner, the channel and escaped messages', async () => {
  const client = webClient(emulator);
  await client.chat.postMessage({
    channel: 'C0ALERTS',
    text: 'disk &lt;b&gt;95%&lt;/b&gt; on "db-1" <img src=x onerror=alert(1)>',
  });
  const root = await fetch(`${emulator.url}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/sandbox');

  const res = await fetch(`${emulator.url}/sandbox`);
  expect(res.headers.get('content-type')).toContain('text/html');
  expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
  const html = await res.text();
  expect(html).toContain(
    '<div class="banner" role="status">🧪 Sandbox: nothing here reaches a real Slack workspace</div>',
  );
  expect(html).toContain(
    '<button type="button" class="control" data-control="fire-sample">Fire &lt;sample&gt; alert</button>',
  );
  expect(html).toContain('disk &lt;b&gt;95%&lt;/b&gt; on &quot;db-1&quot;');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain('<b>95%');
  expect(html).toMatch(/<a class="side-item active" href="#C0ALERTS"[^>]*><span class="icon">#<\/span>alerts/);
  expect(html).toContain('<option value="U0ALICE" selected>alice (Alice Archer)</option>');
});

test('Block Kit, attachments, threads, reactions and ephemeral messages render like Slack', async () => {
  const client = webClient(emulator);
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: 'Pod crash-looping' } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Severity*\ncritical' },
        { type: 'mrkdwn', text: '*Namespace*\nshop' },
      ],
    },
    { type: 'divider' },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'from Alertmanager' }] },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'approve_restart',
          text: { type: 'plain_text', text: 'Restart' },
          style: 'danger',
          value: 'x',
        },
      ],
    },
  ];
  const attachments = [
    { color: 'danger', title: 'api-7', text: 'OOMKilled', fields: [{ title: 'Restarts', value: '12', short: true }] },
  ];
  const { ts } = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'fallback text', blocks, attachments });
  await client.chat.postMessage({ channel: 'C0ALERTS', thread_ts: ts, text: 'Runbook: restart the pod' });
  await client.reactions.add({ channel: 'C0ALERTS', timestamp: ts!, name: 'rotating_light' });
  await client.chat.postEphemeral({ channel: 'C0ALERTS', user: 'U0BOB', text: 'just for bob' });

  const view = await (await fetch(`${emulator.url}/sandbox/view?channel=C0ALERTS&as=U0ALICE`)).json();
  const html: string = view.messages;
  expect(html).toContain('<div class="blk-header">Pod crash-looping</div>');
  expect(html).toContain(
    '<div class="blk-fields"><div><b>Severity</b><br>critical</div><div><b>Namespace</b><br>shop</div></div>',
  );
  expect(html).toContain(
    `<button type="button" class="btn btn-danger" data-action-id="approve_restart" data-channel="C0ALERTS" ` +
      `data-ts="${ts}">Restart</button>`,
  );
  expect(html).toContain('<div class="att" style="border-left-color:#e01e5a">');
  expect(html).not.toContain('fallback text');
  expect(html).toMatch(/<span class="reply-count">1 reply<\/span>[\s\S]*Runbook: restart the pod/);
  expect(html).toMatch(/class="chip"[^>]*data-react="rotating_light"[^>]*>🚨 <span>1<\/span>/);
  expect(html).not.toContain('just for bob');
  const asBob = await (await fetch(`${emulator.url}/sandbox/view?channel=C0ALERTS&as=U0BOB`)).json();
  expect(asBob.messages).toMatch(/Only visible to you<\/div><div class="text">just for bob/);

  const state = await (await fetch(`${emulator.url}/sandbox/state.json`)).json();
  const alerts = state.channels.find((c: { id: string }) => c.id === 'C0ALERTS');
  const parent = alerts.messages.find((m: { ts: string }) => m.ts === ts);
  expect(parent.replies.map((r: { text: string }) => r.text)).toEqual(['Runbook: restart the pod']);
  expect(parent.reactions).toEqual([{ name: 'rotating_light', users: ['U0LOOKOUT'] }]);
  expect(state.version).toBe(view.version);
});

test('the page actions reach the app as signed requests', async () => {
  const { ts } = await webClient(emulator).chat.postMessage({
    channel: 'C0ALERTS',
    text: 'approve?',
    blocks: [
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'approve_it', text: { type: 'plain_text', text: 'Approve' }, value: 'y' },
        ],
      },
    ],
  });
  const click = await sandboxPost('click', { channel: 'C0ALERTS', ts, actionId: 'approve_it', userId: 'U0BOB' });
  expect(await click.json()).toEqual({ ok: true, status: 200 });
  const clicked = await emulator.waitFor(() => bolt.actions.find((a) => a.body.message?.ts === ts));
  expect(clicked.body.user.id).toBe('U0BOB');

  const react = await sandboxPost('react', { channel: 'C0ALERTS', ts, name: 'white_check_mark', userId: 'U0ALICE' });
  expect(await react.json()).toEqual({ ok: true, status: 200 });
  await emulator.waitFor(() => bolt.reactions.find((r) => r.event.item.ts === ts && r.event.user === 'U0ALICE'));

  const post = await (
    await sandboxPost('post', { channel: 'C0ALERTS', text: 'on it @bob <b>', userId: 'U0ALICE', threadTs: ts })
  ).json();
  expect(post).toMatchObject({ ok: true, status: 200, ts: expect.any(String) });
  const message = await emulator.waitFor(() => bolt.messages.find((m) => m.ts === post.ts));
  expect(message).toMatchObject({ text: 'on it <@U0BOB> &lt;b&gt;', user: 'U0ALICE', thread_ts: ts });

  const missing = await (
    await sandboxPost('click', { channel: 'C0ALERTS', ts, actionId: 'nope', userId: 'U0BOB' })
  ).json();
  expect(missing).toMatchObject({ ok: false, error: expect.stringContaining('no button "nope"') });
  const form = await fetch(`${emulator.url}/sandbox/click`, {
    method: 'POST',
    body: 'channel=C0ALERTS',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(form.status).toBe(415);
});

test('top-bar controls run their action and report its result', async () => {
  const res = await sandboxPost('control', { id: 'fire-sample' });
  expect(await res.json()).toEqual({ ok: true, result: 'sample alert sent (202)' });
  expect(fired).toEqual(['sample']);
  expect((await sandboxPost('control', { id: 'nope' })).status).toBe(404);
});

test('an unreachable app is reported to the person, not swallowed', async () => {
  // A port that was free a moment ago: nothing listens there.
  const probe = await startEmulator();
  const appUrl = probe.url;
  await probe.stop();
  const emu = await startEmulator({ appUrl });
  try {
    const { ts } = await webClient(emu).chat.postMessage({ channel: 'C0ALERTS', text: 'x' });
    const res = await fetch(`${emu.url}/sandbox/react`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0ALERTS', ts, name: 'eyes', userId: 'U0ALICE' }),
    });
    expect(await res.json()).toEqual({ ok: false, error: `could not reach the app at ${appUrl} (ECONNREFUSED)` });
  } finally {
    await emu.stop();
  }
});
