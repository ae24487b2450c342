import { createPublicKey, createVerify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { startEmulator, TOKEN, webClient } from './support.js';

// Sign in with Slack (OpenID Connect), admins in users.info, and auth.revoke.
let slack: SlackEmulator;
const CALLBACK = 'http://127.0.0.1:9/auth/slack/callback';

beforeAll(async () => {
  slack = await startEmulator({
    oauth: { clientId: '1.2', clientSecret: 'shh' },
    users: [
      { id: 'U0ALICE', name: 'alice', realName: 'Alice Archer', isOwner: true },
      { id: 'U0BOB', name: 'bob', realName: 'Bob Baker', email: 'bob@corp.test' },
    ],
  });
  slack.addUser({ id: 'U0DANA', name: 'dana', realName: 'Dana Diaz', isAdmin: true, email: 'dana@corp.test' });
});
afterAll(() => slack.stop());

async function authorize(params: Record<string, string>): Promise<Response> {
  const url = new URL(`${slack.url}/openid/connect/authorize`);
  const defaults = { response_type: 'code', scope: 'openid profile email', client_id: '1.2', redirect_uri: CALLBACK, state: 's1', nonce: 'n1' };
  for (const [k, v] of Object.entries({ ...defaults, ...params })) url.searchParams.set(k, v);
  return await fetch(url, { redirect: 'manual' });
}

const back = (res: Response) => new URL(res.headers.get('location')!).searchParams;
const token = (args: Record<string, string>) =>
  webClient(slack, {}, '').openid.connect.token({ client_id: '1.2', client_secret: 'shh', redirect_uri: CALLBACK, ...args })
    .catch((err: { data?: Record<string, unknown> }) => err.data!);

function decode(jwt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
  return { header, claims };
}

test('the id_token is an RS256 JWT from https://slack.com, verifiable with the published keys', async () => {
  const code = back(await authorize({ user: 'U0DANA' })).get('code')!;
  const res = await token({ code });
  expect(res).toMatchObject({ ok: true, token_type: 'Bearer', access_token: expect.stringMatching(/^xoxp-/) });
  const jwt = res.id_token as string;
  const { header, claims } = decode(jwt);
  const now = Math.floor(Date.now() / 1000);
  expect(claims).toMatchObject({
    iss: 'https://slack.com', aud: '1.2', sub: 'U0DANA', nonce: 'n1',
    'https://slack.com/user_id': 'U0DANA', 'https://slack.com/team_id': 'T0SANDBOX', 'https://slack.com/team_name': 'Lookout Sandbox',
    email: 'dana@corp.test', email_verified: true, name: 'Dana Diaz', given_name: 'Dana', family_name: 'Diaz',
  });
  expect(claims.iat).toBeGreaterThanOrEqual(now - 5);
  expect(claims.exp).toBe((claims.iat as number) + 300);
  expect(claims.auth_time).toBeLessThanOrEqual(claims.iat as number);

  const { keys } = (await (await fetch(`${slack.url}/openid/connect/keys`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
  const jwk = keys.find((k) => k.kid === header.kid);
  expect(header.alg).toBe('RS256');
  const [head, body, signature] = jwt.split('.');
  const verify = (data: string) => createVerify('RSA-SHA256').update(data)
    .verify(createPublicKey({ key: jwk!, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  expect(verify(`${head}.${body}`)).toBe(true);
  expect(verify(`${head}.${body.slice(0, -2)}`)).toBe(false);

  const discovery = await (await fetch(`${slack.url}/.well-known/openid-configuration`)).json();
  expect(discovery).toMatchObject({ issuer: 'https://slack.com', jwks_uri: `${slack.url}/openid/connect/keys` });
});

test('openid.connect.userInfo answers with the same claims for the access token', async () => {
  const code = back(await authorize({ user: 'U0BOB', scope: 'openid email' })).get('code')!;
  const res = await token({ code });
  const info = await webClient(slack, {}, res.access_token as string).openid.connect.userInfo();
  const { claims } = decode(res.id_token as string);
  expect(info).toMatchObject({ ok: true, sub: 'U0BOB', 'https://slack.com/team_id': 'T0SANDBOX', email: 'bob@corp.test' });
  for (const key of ['sub', 'email', 'https://slack.com/user_id']) expect(info[key as keyof typeof info]).toEqual(claims[key]);
  // Without the profile scope there is no name.
  expect(info).not.toHaveProperty('name');
  await expect(webClient(slack, {}, TOKEN).openid.connect.userInfo()).rejects.toMatchObject({ data: { error: 'missing_scope' } });
});

test('codes are single-use, bound to the redirect_uri and the client secret', async () => {
  const code = back(await authorize({ user: 'U0ALICE' })).get('code')!;
  expect(await token({ code, client_secret: 'nope' })).toMatchObject({ ok: false, error: 'bad_client_secret' });
  expect(await token({ code, redirect_uri: 'http://127.0.0.1:9/elsewhere' })).toMatchObject({ ok: false, error: 'bad_redirect_uri' });
  expect(await token({ code })).toMatchObject({ ok: true });
  expect(await token({ code })).toMatchObject({ ok: false, error: 'code_already_used' });
  expect(await token({ code: 'made-up' })).toMatchObject({ ok: false, error: 'invalid_code' });
  expect(slack.oidc.signIns.map((s) => s.userId)).toContain('U0ALICE');
});

test('the authorize page lets a person pick who signs in, or cancel; signInAs approves at once', async () => {
  const page = await authorize({});
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Continue as Dana Diaz');
  expect(html).toContain('user=U0BOB');
  expect(html).not.toContain('Lookout</a>');
  expect(back(await authorize({ decision: 'deny' })).get('error')).toBe('access_denied');
  expect(back(await authorize({ decision: 'deny' })).get('state')).toBe('s1');

  slack.oidc.signInAs('U0ALICE');
  try {
    const redirect = await authorize({ state: 's2' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(new RegExp(`^${CALLBACK}\\?code=[^&]+&state=s2$`));
    const res = await token({ code: back(redirect).get('code')! });
    expect(decode(res.id_token as string).claims.sub).toBe('U0ALICE');
  } finally {
    slack.oidc.signInAs(undefined);
  }
  expect((await authorize({ scope: 'chat:write' })).status).toBe(400);
  expect((await authorize({ response_type: 'token' })).status).toBe(400);
  expect((await authorize({ client_id: 'nope' })).status).toBe(400);
  expect((await authorize({ user: 'U0NOBODY' })).status).toBe(400);
});

test('users.info reports admins and owners, and e-mail only with users:read.email', async () => {
  const client = webClient(slack);
  expect((await client.users.info({ user: 'U0DANA' })).user).toMatchObject({ is_admin: true, is_owner: false, profile: { email: 'dana@corp.test' } });
  expect((await client.users.info({ user: 'U0ALICE' })).user).toMatchObject({ is_admin: true, is_owner: true });
  expect((await client.users.info({ user: 'U0BOB' })).user).toMatchObject({ is_admin: false, is_owner: false, is_primary_owner: false });
  const narrow = await startEmulator({ botScopes: ['users:read'] });
  try {
    const alice = await webClient(narrow).users.info({ user: 'U0ALICE' });
    expect(alice.user?.profile).not.toHaveProperty('email');
    expect(alice.user).toMatchObject({ is_admin: false });
  } finally {
    await narrow.stop();
  }
});

test('auth.revoke takes the calling token back (test=true keeps it) and records it', async () => {
  const code = back(await authorize({ user: 'U0BOB' })).get('code')!;
  const userToken = (await token({ code })).access_token as string;
  const client = webClient(slack, {}, userToken);
  expect(await client.auth.revoke({ test: true })).toMatchObject({ ok: true, revoked: true });
  await expect(client.openid.connect.userInfo()).resolves.toMatchObject({ ok: true });
  expect(await client.auth.revoke()).toMatchObject({ ok: true, revoked: true });
  await expect(client.openid.connect.userInfo()).rejects.toMatchObject({ data: { ok: false, error: 'token_revoked' } });
  await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'token_revoked' } });
  expect(slack.oauth.revocations.filter((r) => r.token === userToken)).toEqual([
    expect.objectContaining({ kind: 'user', userId: 'U0BOB', teamId: 'T0SANDBOX', test: true }),
    expect.objectContaining({ kind: 'user', userId: 'U0BOB', teamId: 'T0SANDBOX', test: false }),
  ]);
  await expect(webClient(slack, {}, 'xoxp-never-issued').auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  expect((await webClient(slack).auth.test()).ok).toBe(true);
});
