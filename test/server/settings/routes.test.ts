import http from 'node:http';
import express from 'express';
import { loadConfig } from '../../../core/config.js';
import { createCipher } from '../../../core/crypto.js';
import { createLogger } from '../../../core/logger.js';
import { settingsRouter } from '../../../server/settings/routes.js';
import type { SettingsDeps } from '../../../server/settings/context.js';
import { decodeSession, sessionSecret } from '../../../server/settings/session.js';
import type { SlackAdmin } from '../../../server/settings/slack-admin.js';
import type { SettingsStore } from '../../../server/settings/store.js';

// The routes over real HTTP with a fake store and Slack: who may see what, in each mode.
const key = Buffer.alloc(32, 7);
let server: http.Server;
let base: string;

async function serve(env: Record<string, string>, mode: SettingsDeps['mode']) {
  const store = {
    read: async () => ({ alertChannels: [], approvers: [], routing: {}, policy: {}, saved: false }),
    incidents: async () => [], audit: async () => [],
  } as unknown as SettingsStore;
  const slack = {
    authTest: async () => ({ teamId: 'T0ONE', team: 'One', url: 'https://one.slack.com/', botUserId: 'U0BOT', botName: 'lookout', granted: [], missing: [] }),
    listChannels: async () => [],
  } as unknown as SlackAdmin;
  const app = express();
  app.use(settingsRouter({
    config: loadConfig({ LOOKOUT_DATA_DIR: '/tmp/unused', ...env }), mode, team: { id: 'T0ONE', name: 'One' }, store, slack,
    cipher: createCipher(key), sessionSecret: () => sessionSecret(key), log: createLogger('test', 'silent'),
  }));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
afterEach(async () => new Promise<void>((r) => server.close(() => r())));

test('single-workspace mode without ADMIN_TOKEN: the page says how to set it and offers no form to change anything', async () => {
  await serve({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }, 'single');
  const res = await fetch(`${base}/`);
  const html = await res.text();
  expect(res.status).toBe(200);
  expect(html).toContain('Set the\n<code>ADMIN_TOKEN</code> environment variable');
  expect(html).not.toMatch(/<form|<input/);
  expect(res.headers.get('set-cookie')).toMatch(/^lookout_session=[^;]+;.*HttpOnly;.*SameSite=Lax/);
});

test('a login attempt without ADMIN_TOKEN set is refused even with a valid CSRF token', async () => {
  await serve({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }, 'single');
  const home = await fetch(`${base}/`);
  const cookie = home.headers.get('set-cookie')!.split(';')[0];
  const { csrf } = decodeSession(sessionSecret(key), decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)))!;
  const res = await fetch(`${base}/settings/login`, {
    method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, token: '' }),
  });
  expect(res.status).toBe(403);
  expect(await res.text()).toContain('ADMIN_TOKEN is not set');
});

test('the sandbox is open: the page and its forms without signing in', async () => {
  await serve({}, 'sandbox');
  const html = await (await fetch(`${base}/`)).text();
  expect(html).toContain('Save settings');
  expect(html).toContain('name="_csrf"');
});

test('OAuth mode signed out: Connect Slack with what it grants, and Sign in with Slack; nothing of any workspace', async () => {
  await serve({ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'st', SLACK_API_URL: 'http://127.0.0.1:9/api/' }, 'oauth');
  const html = await (await fetch(`${base}/`)).text();
  expect(html).toContain('href="/slack/install"');
  expect(html).toContain('<code>chat:write</code>');
  expect(html).not.toContain('Save settings');
  expect((await fetch(`${base}/?team=T0ONE`)).status).toBe(403);
  const signin = await fetch(`${base}/settings/signin?team=T0ONE`, { redirect: 'manual' });
  const to = new URL(signin.headers.get('location')!);
  expect(`${to.origin}${to.pathname}`).toBe('http://127.0.0.1:9/openid/connect/authorize');
  expect(Object.fromEntries(to.searchParams)).toMatchObject({ response_type: 'code', scope: 'openid profile', client_id: '1.2', team: 'T0ONE', redirect_uri: `${base}/settings/oidc` });
  // The callback only accepts the state this browser was given.
  const cookie = signin.headers.get('set-cookie')!.split(';')[0];
  expect((await fetch(`${base}/settings/oidc?code=x&state=other`, { headers: { cookie } })).status).toBe(400);
});
