import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, sendText } from './http-util.js';
import type { OAuthProvider } from './oauth.js';
import type { SlackStore } from './store.js';
import { SlackApiError, requireScope, str } from './web-api.js';
import type { MethodHandler } from './web-api.js';
import type { OAuthOptions, StoredUser } from './types.js';

/**
 * Sign in with Slack (OpenID Connect): `GET /openid/connect/authorize` redirects back with `code` and `state`,
 * `openid.connect.token` trades the code for a user token and an RS256 `id_token` (keys at /openid/connect/keys),
 * and `openid.connect.userInfo` answers with the same claims. The issuer is https://slack.com, as in Slack.
 */

const ISSUER = 'https://slack.com';
const OIDC_SCOPES = ['openid', 'profile', 'email'];
const CODE_TTL_MS = 10 * 60_000;
const ID_TOKEN_TTL_S = 300;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

interface Grant {
  userId: string;
  teamId: string;
  scopes: string[];
  nonce?: string;
  redirectUri: string;
  authTime: number;
  expires: number;
  used: boolean;
}

/** One completed sign-in (a code traded at openid.connect.token), for tests to assert on. */
export interface SignIn {
  userId: string;
  teamId: string;
  nonce?: string;
  accessToken: string;
  idToken: string;
}

export class OpenIdProvider {
  private readonly grants = new Map<string, Grant>();
  private key?: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  private signedIn?: string;
  readonly signIns: SignIn[] = [];

  constructor(
    private readonly store: SlackStore,
    private readonly oauth: OAuthProvider,
    private readonly options: OAuthOptions | undefined,
    private readonly baseUrl: () => string,
  ) {}

  /**
   * Who is "signed in to Slack" in the browser: the authorize page then approves as that person at once, so an app's
   * own redirect can be followed without a `user=` parameter. `undefined` brings back the picker page.
   */
  signInAs(userId: string | undefined): void {
    if (userId !== undefined && !this.person(userId)) throw new Error(`unknown user ${userId}`);
    this.signedIn = userId;
  }

  /** The claims for a person, as openid.connect.userInfo and the id_token carry them for the granted scopes. */
  claims(userId: string, teamId: string, scopes: string[]): Record<string, unknown> {
    const user = this.person(userId);
    if (!user) throw new SlackApiError('user_not_found');
    const team = this.oauth.team(teamId);
    const teamName = team?.name ?? this.store.opts.teamName;
    const claims: Record<string, unknown> = {
      sub: user.id,
      'https://slack.com/user_id': user.id,
      'https://slack.com/team_id': teamId,
    };
    if (scopes.includes('email') && user.email) {
      Object.assign(claims, { email: user.email, email_verified: true, date_email_verified: 1_622_128_723 });
    }
    if (scopes.includes('profile')) {
      const [given, ...family] = user.realName.split(' ');
      const picture = `${this.baseUrl()}/openid/connect/avatar/${user.id}`;
      Object.assign(claims, {
        name: user.realName,
        picture,
        given_name: given,
        family_name: family.join(' '),
        locale: 'en-US',
        'https://slack.com/team_name': teamName,
        'https://slack.com/team_domain': teamName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        'https://slack.com/user_image_24': picture,
        'https://slack.com/user_image_192': picture,
        'https://slack.com/team_image_default': true,
      });
    }
    return claims;
  }

  /** `/openid/connect/<rest>`: the authorize page, the signing keys, and avatars for the `picture` claim. */
  handle(res: ServerResponse, rest: string, url: URL): void {
    if (rest === 'keys') return sendJson(res, 200, { keys: [this.jwk()] });
    const avatar = /^avatar\/([A-Z0-9]+)$/.exec(rest);
    if (avatar) return this.avatar(res, avatar[1]);
    if (rest === 'authorize') return this.authorize(res, url);
    sendText(res, 404, 'not found');
  }

  /** The discovery document, with this emulator's endpoints and Slack's issuer. */
  configuration(): Record<string, unknown> {
    const base = this.baseUrl();
    return {
      issuer: ISSUER,
      authorization_endpoint: `${base}/openid/connect/authorize`,
      token_endpoint: `${base}/api/openid.connect.token`,
      userinfo_endpoint: `${base}/api/openid.connect.userInfo`,
      jwks_uri: `${base}/openid/connect/keys`,
      scopes_supported: OIDC_SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'auth_time', 'iss'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    };
  }

  methods(): Record<string, MethodHandler> {
    return {
      'openid.connect.token': (args, _ctx, call) => {
        this.oauth.checkClient(args, call.headers);
        const grantType = str(args, 'grant_type');
        if (grantType && grantType !== 'authorization_code') throw new SlackApiError('invalid_grant_type');
        const grant = this.grants.get(str(args, 'code') ?? '');
        if (!grant || grant.expires < Date.now()) throw new SlackApiError('invalid_code');
        if (grant.used) throw new SlackApiError('code_already_used');
        if (str(args, 'redirect_uri') !== grant.redirectUri) throw new SlackApiError('bad_redirect_uri');
        grant.used = true;
        const accessToken = `xoxp-oidc-${grant.teamId}-${randomBytes(12).toString('hex')}`;
        const teamName = this.oauth.team(grant.teamId)?.name ?? this.store.opts.teamName;
        this.oauth.issue(accessToken, {
          kind: 'user',
          teamId: grant.teamId,
          teamName,
          userId: grant.userId,
          scopes: grant.scopes,
        });
        const idToken = this.idToken(grant, accessToken);
        this.signIns.push({ userId: grant.userId, teamId: grant.teamId, nonce: grant.nonce, accessToken, idToken });
        return { access_token: accessToken, token_type: 'Bearer', id_token: idToken };
      },
      'openid.connect.userInfo': (_args, _ctx, call) => {
        requireScope(call, 'openid');
        const { auth } = call;
        if (auth?.kind !== 'user' || !auth.userId || !auth.teamId) throw new SlackApiError('not_allowed_token_type');
        return this.claims(auth.userId, auth.teamId, auth.scopes);
      },
    };
  }

  private authorize(res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    if (!this.options) return sendText(res, 404, 'Sign in with Slack is not enabled in this emulator: pass `oauth`');
    if (q.get('client_id') !== this.options.clientId) return sendText(res, 400, 'invalid_client_id');
    if (q.get('response_type') !== 'code') return sendText(res, 400, 'unsupported_response_type: use code');
    const scopes = (q.get('scope') ?? '').split(/[\s,+]+/).filter(Boolean);
    if (!scopes.includes('openid') || scopes.some((s) => !OIDC_SCOPES.includes(s))) {
      return sendText(res, 400, `invalid_scope: ask for openid, and optionally profile and email (got ${scopes.join(' ')})`);
    }
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri || !URL.canParse(redirectUri)) return sendText(res, 400, 'bad_redirect_uri');
    const state = q.get('state');
    const back = (params: Record<string, string>) => {
      const to = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, ...(state === null ? {} : { state }) })) to.searchParams.set(k, v);
      res.writeHead(302, { location: to.toString() });
      res.end();
    };
    if (q.get('decision') === 'deny') return back({ error: 'access_denied' });
    const teamId = q.get('team') ?? this.store.opts.teamId;
    if (teamId !== this.store.opts.teamId && !this.oauth.team(teamId)) return sendText(res, 400, `team_not_found: ${teamId}`);
    const userId = q.get('user') ?? this.signedIn;
    if (!userId) return this.picker(res, url, scopes);
    if (!this.person(userId)) return sendText(res, 400, `user_not_found: ${userId}`);
    const code = `${Date.now()}.${randomBytes(12).toString('hex')}`;
    const now = Math.floor(Date.now() / 1000);
    const nonce = q.get('nonce') ?? undefined;
    this.grants.set(code, {
      userId, teamId, scopes, nonce, redirectUri, authTime: now, expires: Date.now() + CODE_TTL_MS, used: false,
    });
    back({ code });
  }

  private picker(res: ServerResponse, url: URL, scopes: string[]): void {
    const link = (extra: Record<string, string>) => {
      const to = new URL(url.toString());
      for (const [k, v] of Object.entries(extra)) to.searchParams.set(k, v);
      return esc(`${to.pathname}${to.search}`);
    };
    const people = [...this.store.users.values()].filter((u) => !u.isBot);
    const items = people.map((u) => `<li><a href="${link({ user: u.id })}">Continue as ${esc(u.realName)}</a>
      (${esc(u.id)}${u.isAdmin ? ', admin' : ''})</li>`).join('');
    sendText(res, 200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in with Slack</title></head>
<body><h1>Sign in with Slack</h1><p>The app asks for: ${esc(scopes.join(', '))}</p><ul>${items}</ul>
<p><a href="${link({ decision: 'deny' })}">Cancel</a></p></body></html>`, 'text/html; charset=utf-8');
  }

  private idToken(grant: Grant, accessToken: string): string {
    const key = this.signingKey();
    const iat = Math.floor(Date.now() / 1000);
    const digest = createHash('sha256').update(accessToken).digest();
    const payload = {
      iss: ISSUER,
      aud: this.options?.clientId,
      exp: iat + ID_TOKEN_TTL_S,
      iat,
      auth_time: grant.authTime,
      ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      at_hash: b64url(digest.subarray(0, digest.length / 2)),
      ...this.claims(grant.userId, grant.teamId, grant.scopes),
    };
    const head = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: key.kid }))}.${b64url(JSON.stringify(payload))}`;
    return `${head}.${b64url(createSign('RSA-SHA256').update(head).sign(key.privateKey))}`;
  }

  private signingKey(): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
    // Made on first use: a 2048-bit RSA key costs tens of milliseconds.
    this.key ??= { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: randomBytes(8).toString('hex') };
    return this.key;
  }

  private jwk(): Record<string, unknown> {
    const key = this.signingKey();
    return { ...key.publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: key.kid };
  }

  private avatar(res: ServerResponse, userId: string): void {
    const user = this.person(userId);
    if (!user) return sendText(res, 404, 'not found');
    const initials = esc(user.realName.split(' ').map((w) => w[0] ?? '').join('').slice(0, 2));
    sendText(res, 200, `<svg xmlns="http://www.w3.org/2000/svg" width="72" height="72"><rect width="72" height="72" fill="#4a154b"/>
<text x="36" y="46" font-size="28" fill="#fff" text-anchor="middle" font-family="sans-serif">${initials}</text></svg>`,
    'image/svg+xml');
  }

  private person(userId: string): StoredUser | undefined {
    const user = this.store.users.get(userId);
    return user && !user.isBot ? user : undefined;
  }
}
