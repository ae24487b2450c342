import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startEmulator, TOKEN, webClient } from './support.js';

// The emulator's OAuth v2: authorize page -> code -> oauth.v2.access, with Slack's errors, and per-team tokens.
let slack: SlackEmulator;
const oauth = {
  clientId: '1.2', clientSecret: 'shh',
  teams: [{ id: 'T0SANDBOX', name: 'Lookout Sandbox' }, { id: 'T0ORGWS', name: 'Org Workspace', enterpriseId: 'E0ORG', enterpriseName: 'Org', isEnterpriseInstall: true }],
};

beforeAll(async () => {
  slack = await startEmulator({ oauth, appToken: 'xapp-1-test', appUrl: 'http://127.0.0.1:9' });
});
afterAll(() => slack.stop());

async function authorize(params: Record<string, string>): Promise<Response> {
  const url = new URL(`${slack.url}/oauth/v2/authorize`);
  for (const [k, v] of Object.entries({ client_id: '1.2', scope: 'chat:write,commands', state: 's1', ...params })) url.searchParams.set(k, v);
  return await fetch(url, { redirect: 'manual' });
}

const codeFrom = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('code')!;
const access = (args: Record<string, string>) =>
  webClient(slack, {}, '').oauth.v2.access({ client_id: '1.2', client_secret: 'shh', ...args }).catch((err: { data?: unknown }) => err.data);

test('with several teams the authorize page lets a person choose or cancel; with team= it redirects back at once', async () => {
  const page = await authorize({});
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Allow in Lookout Sandbox');
  expect(html).toContain('decision=deny');

  const denied = await authorize({ decision: 'deny' });
  expect(denied.headers.get('location')).toBe('http://127.0.0.1:9/slack/oauth_redirect?error=access_denied&state=s1');

  const approved = await authorize({ team: 'T0SANDBOX', redirect_uri: 'http://app.test/cb' });
  const back = new URL(approved.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe('http://app.test/cb');
  expect(back.searchParams.get('state')).toBe('s1');
  expect((await authorize({ client_id: 'nope' })).status).toBe(400);
  expect((await authorize({ team: 'T0NOPE' })).status).toBe(400);
});

test('oauth.v2.access returns a v2 response with a token that works for that team, once per code', async () => {
  const code = codeFrom(await authorize({ team: 'T0SANDBOX', user_scope: 'search:read' }));
  expect(await access({ code, client_secret: 'wrong' })).toMatchObject({ ok: false, error: 'bad_client_secret' });
  const res = await access({ code });
  expect(res).toMatchObject({
    ok: true, token_type: 'bot', scope: 'chat:write,commands', bot_user_id: 'U0LOOKOUT', app_id: 'A0LOOKOUT',
    team: { id: 'T0SANDBOX', name: 'Lookout Sandbox' }, enterprise: null, is_enterprise_install: false,
    authed_user: { id: 'U0ALICE', token_type: 'user', scope: 'search:read', access_token: expect.stringMatching(/^xoxp-/) },
    access_token: expect.stringMatching(/^xoxb-/),
  });
  expect(await access({ code })).toMatchObject({ ok: false, error: 'code_already_used' });
  expect(await access({ code: 'made-up' })).toMatchObject({ ok: false, error: 'invalid_code' });

  const token = (res as { access_token: string }).access_token;
  expect(await webClient(slack, {}, token).auth.test()).toMatchObject({ team_id: 'T0SANDBOX', user_id: 'U0LOOKOUT' });
  await webClient(slack, {}, token).auth.revoke();
  await expect(webClient(slack, {}, token).auth.test()).rejects.toMatchObject({ data: { error: 'token_revoked' } });
  expect((await webClient(slack).auth.test()).ok).toBe(true);
});

test('an org-wide install names the org, not a team; app tokens open Socket Mode only', async () => {
  const res = await access({ code: codeFrom(await authorize({ team: 'T0ORGWS' })) });
  expect(res).toMatchObject({ team: null, enterprise: { id: 'E0ORG', name: 'Org' }, is_enterprise_install: true });
  expect(await webClient(slack, {}, (res as { access_token: string }).access_token).auth.test())
    .toMatchObject({ enterprise_id: 'E0ORG', is_enterprise_install: true });

  const open = await webClient(slack, {}, 'xapp-1-test').apps.connections.open();
  expect(open.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/link/\\?ticket=`));
  await expect(webClient(slack, {}, 'xapp-1-test').chat.postMessage({ channel: 'C0ALERTS', text: 'x' }))
    .rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
  await expect(webClient(slack, {}, TOKEN).apps.connections.open()).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
});

test('a Socket Mode URL is good for one connection only, and the connection starts with hello', async () => {
  const { url } = await webClient(slack, {}, 'xapp-1-test').apps.connections.open();
  const first = await upgrade(url!);
  expect(first.status).toBe(101);
  expect(first.firstText).toContain('"type":"hello"');
  expect((await upgrade(url!)).status).toBe(401);
});

/** A raw WebSocket handshake (node:http), returning the status and, on success, the first text frame. */
function upgrade(url: string): Promise<{ status: number; firstText?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url.replace(/^ws/, 'http'), {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') },
    });
    req.on('upgrade', (res, socket, head: Buffer) => {
      const done = (frame: Buffer) => {
        socket.destroy();
        resolve({ status: res.statusCode!, firstText: frame.subarray(frame[1] === 126 ? 4 : 2).toString('utf8') });
      };
      // The hello may arrive in the same packet as the 101 response.
      if (head.length) done(head);
      else socket.once('data', done);
    });
    req.on('response', (res) => resolve({ status: res.statusCode! }));
    req.on('error', reject);
    req.end();
  });
}
