import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { botScopes } from '../../core/slack-scopes.js';
import { sendText } from './http-util.js';
import type { SlackStore } from './store.js';
import { SlackApiError, bool, str } from './web-api.js';
import type { Args, MethodHandler } from './web-api.js';
import type { IncomingWebhooks } from './webhooks.js';
import type { OAuthOptions, OAuthTeamOption, Revocation, TokenIdentity } from './types.js';

/**
 * Slack's side of OAuth v2 for the emulator: the authorize page (which redirects back with `code` and `state`),
 * `oauth.v2.access` (one bot token per workspace or org), `auth.revoke`, `apps.uninstall`, and the token registry
 * every Web API call is authenticated against.
 */

interface Grant {
  team: Team;
  scopes: string[];
  userScopes: string[];
  redirectUri?: string;
  /** The channel a person picked for the incoming-webhook scope. */
  webhookChannel?: string;
  expires: number;
  used: boolean;
}

type Team = Required<Pick<OAuthTeamOption, 'id' | 'name' | 'botUserId' | 'installerUserId'>> & OAuthTeamOption;

export interface IssuedInstall {
  teamId: string;
  enterpriseId?: string;
  botToken: string;
  userToken?: string;
}

const CODE_TTL_MS = 10 * 60_000;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class OAuthProvider {
  private readonly tokens = new Map<string, TokenIdentity>();
  private readonly grants = new Map<string, Grant>();
  readonly teams: Team[];
  /** Every install completed through oauth.v2.access, in order. */
  readonly installs: IssuedInstall[] = [];
  /** Every token auth.revoke or an uninstall took back, in order (test=true calls too, flagged). */
  readonly revocations: Revocation[] = [];
  private readonly revoked = new Set<string>();

  constructor(
    private readonly store: SlackStore,
    private readonly options: OAuthOptions | undefined,
    private readonly appUrl: () => string | undefined,
    tokens: { botToken: string; appToken?: string; botScopes?: string[] },
    private readonly webhooks?: IncomingWebhooks,
  ) {
    const { teamId, teamName, botUserId, botId, users } = store.opts;
    const installer = users[0]?.id ?? 'U0INSTALLER';
    this.teams = (options?.teams ?? [{ id: teamId, name: teamName }]).map((t) => ({
      ...t,
      botUserId: t.botUserId ?? (t.id === teamId ? botUserId : `UB${t.id.replace(/^T/, '')}`),
      installerUserId: t.installerUserId ?? installer,
    }));
    this.tokens.set(tokens.botToken, { kind: 'bot', teamId, teamName, userId: botUserId, botId, scopes: tokens.botScopes ?? Object.keys(botScopes) });
    if (tokens.appToken) this.tokens.set(tokens.appToken, { kind: 'app', teamId, teamName, scopes: ['connections:write'] });
  }

  identify(token: string): TokenIdentity | 'revoked' | undefined {
    return this.revoked.has(token) ? 'revoked' : this.tokens.get(token);
  }

  /** Registers a token another flow issued (Sign in with Slack). */
  issue(token: string, identity: TokenIdentity): void {
    this.tokens.set(token, identity);
  }

  /** Takes a token back: later calls with it get token_revoked. */
  revoke(token: string, test = false): void {
    const who = this.tokens.get(token);
    if (!who) return;
    this.revocations.push({ token, kind: who.kind, teamId: who.teamId, userId: who.userId, test, at: Date.now() });
    if (test) return;
    this.tokens.delete(token);
    this.revoked.add(token);
  }

  team(id: string): Team | undefined {
    return this.teams.find((t) => t.id === id);
  }

  /** Revokes every token issued for a workspace (or its org, for an org-wide install); returns the bot user IDs. */
  revokeTeam(teamId: string): { bot: string[]; oauth: string[] } {
    const team = this.team(teamId);
    const revoked = { bot: [] as string[], oauth: [] as string[] };
    for (const [token, who] of this.tokens) {
      const mine = who.kind !== 'app' && (who.teamId === teamId || (team?.isEnterpriseInstall && who.enterpriseId === team.enterpriseId));
      if (!mine) continue;
      this.revoke(token);
      if (who.userId) revoked[who.kind === 'bot' ? 'bot' : 'oauth'].push(who.userId);
    }
    this.webhooks?.revokeTeam(teamId);
    return revoked;
  }

  /**
   * `GET /oauth/v2/authorize`: with one team (or `team=` given) it approves at once and redirects to the app with a
   * code; with several it shows a page to pick one, or to deny (`error=access_denied`).
   */
  handleAuthorize(_req: IncomingMessage, res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    if (!this.options) return sendText(res, 404, 'OAuth is not enabled in this emulator: pass the `oauth` option');
    if (url.pathname !== '/oauth/v2/authorize') return sendText(res, 404, 'not found');
    if (q.get('client_id') !== this.options.clientId) return sendText(res, 400, 'invalid_client_id');
    const scopes = (q.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!scopes.length && !q.get('user_scope')) return sendText(res, 400, 'invalid_scope: no scopes were requested');
    const redirectUri = q.get('redirect_uri') ?? undefined;
    const app = this.appUrl();
    const target = redirectUri ?? (app ? new URL('/slack/oauth_redirect', app).toString() : undefined);
    if (!target) return sendText(res, 400, 'bad_redirect_uri: no redirect_uri and no app URL is known');
    const state = q.get('state');
    const back = (params: Record<string, string>) => {
      const to = new URL(target);
      for (const [k, v] of Object.entries({ ...params, ...(state === null ? {} : { state }) })) to.searchParams.set(k, v);
      res.writeHead(302, { location: to.toString() });
      res.end();
    };
    if (q.get('decision') === 'deny') return back({ error: 'access_denied' });
    const chosen = q.get('team');
    const team = chosen ? this.team(chosen) : this.teams.length === 1 ? this.teams[0] : undefined;
    if (chosen && !team) return sendText(res, 400, `team_not_found: ${chosen}`);
    if (!team) return this.chooser(res, url, scopes);
    // Slack's consent screen asks where an incoming webhook should post; `channel=` answers it (default: first channel).
    let webhookChannel: string | undefined;
    if (scopes.includes('incoming-webhook')) {
      const picked = q.get('channel');
      const channel = picked
        ? this.store.channel(picked)
        : [...this.store.channels.values()].find((c) => c.kind === 'channel' && !c.isPrivate && !c.isArchived);
      if (!channel || channel.kind !== 'channel') return sendText(res, 400, `channel_not_found: ${picked ?? '(none)'}`);
      webhookChannel = channel.id;
    }
    const code = `${Date.now()}.${randomBytes(12).toString('hex')}`;
    const userScopes = (q.get('user_scope') ?? '').split(',').filter(Boolean);
    const expires = Date.now() + CODE_TTL_MS;
    this.grants.set(code, { team, scopes, userScopes, redirectUri, webhookChannel, expires, used: false });
    back({ code });
  }

  private chooser(res: ServerResponse, url: URL, scopes: string[]): void {
    const link = (extra: Record<string, string>) => {
      const to = new URL(url.toString());
      for (const [k, v] of Object.entries(extra)) to.searchParams.set(k, v);
      return esc(`${to.pathname}${to.search}`);
    };
    const teams = this.teams.map((t) => `<li><a href="${link({ team: t.id, decision: 'allow' })}">Allow in ${esc(t.name)}</a>
      (${esc(t.isEnterpriseInstall ? `whole org ${t.enterpriseId}` : t.id)})</li>`).join('');
    sendText(res, 200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Install app</title></head><body>
<h1>Install the app</h1><p>It asks for: ${esc(scopes.join(', '))}</p><ul>${teams}</ul>
<p><a href="${link({ decision: 'deny' })}">Cancel</a></p></body></html>`, 'text/html; charset=utf-8');
  }

  methods(): Record<string, MethodHandler> {
    return {
      'oauth.v2.access': (args, _ctx, call) => this.exchange(args, call.headers),
      'auth.revoke': (args, _ctx, call) => {
        if (call.token) this.revoke(call.token, bool(args, 'test'));
        return { revoked: true };
      },
      // The workspaces a token may act in: its own, or for an org-wide install every workspace of the org.
      'auth.teams.list': (_args, _ctx, { auth }) => {
        const teams = auth?.isEnterpriseInstall
          ? this.teams.filter((t) => t.enterpriseId === auth.enterpriseId).map((t) => ({ id: t.id, name: t.name }))
          : [{ id: auth?.teamId, name: auth?.teamName }];
        return { teams, response_metadata: { next_cursor: '' } };
      },
      'apps.uninstall': (args, _ctx, call) => {
        this.checkClient(args, call.headers);
        if (call.auth?.teamId) this.revokeTeam(call.auth.teamId);
        return {};
      },
    };
  }

  checkClient(args: Args, headers: IncomingHttpHeaders): void {
    // Client credentials come as form fields or as HTTP Basic auth, as Slack accepts both.
    const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = str(args, 'client_id') ?? basicId;
    const secret = str(args, 'client_secret') ?? basicSecret;
    if (!this.options || clientId !== this.options.clientId) throw new SlackApiError('invalid_client_id');
    if (secret !== this.options.clientSecret) throw new SlackApiError('bad_client_secret');
  }

  private exchange(args: Args, headers: IncomingHttpHeaders): Record<string, unknown> {
    this.checkClient(args, headers);
    const grant = this.grants.get(str(args, 'code') ?? '');
    if (!grant || grant.expires < Date.now()) throw new SlackApiError('invalid_code');
    if (grant.used) throw new SlackApiError('code_already_used');
    if (grant.redirectUri && str(args, 'redirect_uri') !== grant.redirectUri) throw new SlackApiError('bad_redirect_uri');
    grant.used = true;
    const { team } = grant;
    const org = team.isEnterpriseInstall === true;
    const owner = { teamId: org ? undefined : team.id, teamName: org ? undefined : team.name, enterpriseId: team.enterpriseId, isEnterpriseInstall: org };
    const botToken = `xoxb-oauth-${team.id}-${randomBytes(12).toString('hex')}`;
    const botId = `B${team.botUserId.replace(/^U/, '')}`;
    this.tokens.set(botToken, { kind: 'bot', ...owner, userId: team.botUserId, botId, scopes: grant.scopes });
    let userToken: string | undefined;
    if (grant.userScopes.length) {
      userToken = `xoxp-oauth-${team.id}-${randomBytes(12).toString('hex')}`;
      this.tokens.set(userToken, { kind: 'user', ...owner, userId: team.installerUserId, scopes: grant.userScopes });
    }
    this.installs.push({ teamId: team.id, enterpriseId: team.enterpriseId, botToken, userToken });
    const hook = grant.webhookChannel ? this.webhooks?.create({ channel: grant.webhookChannel, teamId: team.id }) : undefined;
    return {
      ...(hook
        ? {
            incoming_webhook: {
              channel: hook.channel,
              channel_id: hook.channelId,
              configuration_url: hook.configurationUrl,
              url: hook.url,
            },
          }
        : {}),
      app_id: this.store.opts.appId,
      authed_user: userToken
        ? { id: team.installerUserId, scope: grant.userScopes.join(','), access_token: userToken, token_type: 'user' }
        : { id: team.installerUserId },
      scope: grant.scopes.join(','),
      token_type: 'bot',
      access_token: botToken,
      bot_user_id: team.botUserId,
      team: org ? null : { id: team.id, name: team.name },
      enterprise: team.enterpriseId ? { id: team.enterpriseId, name: team.enterpriseName ?? team.enterpriseId } : null,
      is_enterprise_install: org,
    };
  }

  /** An Events API envelope from one of the OAuth teams, as Slack sends it to the app. */
  envelope(teamId: string, event: Record<string, unknown>, eventTs: string): Record<string, unknown> {
    const team = this.team(teamId);
    if (!team) throw new Error(`unknown OAuth team ${teamId}: list it in the emulator's oauth.teams`);
    const enterprise = team.enterpriseId ?? null;
    return {
      token: 'sandbox-verification-token',
      team_id: team.id,
      ...(enterprise ? { enterprise_id: enterprise } : {}),
      api_app_id: this.store.opts.appId,
      event: { event_ts: eventTs, ...event },
      type: 'event_callback',
      event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{
        enterprise_id: enterprise, team_id: team.isEnterpriseInstall ? null : team.id, user_id: team.botUserId,
        is_bot: true, is_enterprise_install: team.isEnterpriseInstall === true,
      }],
      is_ext_shared_channel: false,
    };
  }
}
