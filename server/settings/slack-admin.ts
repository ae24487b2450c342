import { ErrorCode, LogLevel, WebClient, type WebAPICallResult } from '@slack/web-api';
import { botScopes } from '../../core/slack-scopes.js';

/** The Slack Web API calls the settings page makes, through WebClient; every refusal comes back as Slack's error code. */

export class SlackCallError extends Error {
  constructor(readonly code: string, method: string) {
    super(`${method}: ${code}`);
    this.name = 'SlackCallError';
  }
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isMember: boolean;
}

/**
 * Slack's answer as a SlackCallError (its error code, `ratelimited`, or `http_<status>`); a network failure or timeout
 * is rethrown as itself, which the page reports as Slack being unreachable.
 */
function refusal(err: unknown, method: string): unknown {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; original?: Error };
  if (e.code === ErrorCode.PlatformError) return new SlackCallError(e.data?.error ?? 'unknown_error', method);
  if (e.code === ErrorCode.RateLimitedError) return new SlackCallError('ratelimited', method);
  if (e.code === ErrorCode.HTTPError) return new SlackCallError(`http_${e.statusCode}`, method);
  return e.code === ErrorCode.RequestError && e.original ? e.original : err;
}

type Channel = { id?: string; name?: string; is_private?: boolean; is_member?: boolean };

const channelOf = (c: Channel): SlackChannel => ({
  id: String(c.id), name: String(c.name ?? c.id), isPrivate: c.is_private === true, isMember: c.is_member === true,
});

/**
 * The settings page's Slack client. An admin is waiting on the page: a call fails at once on a rate limit and after
 * `timeoutMs`, rather than being retried inside the client.
 */
export function createSlackAdmin(apiUrl: string, timeoutMs = 10_000) {
  const client = new WebClient(undefined, {
    slackApiUrl: apiUrl, timeout: timeoutMs, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR,
  });

  async function call<T extends WebAPICallResult>(method: string, run: (c: WebClient) => Promise<T>): Promise<T> {
    try {
      return await run(client);
    } catch (err) {
      throw refusal(err, method);
    }
  }

  return {
    /** Who the token is, and the scopes Slack reports it holds (missing ones flagged against core/slack-scopes.ts). */
    async authTest(token: string) {
      const data = await call('auth.test', (c) => c.auth.test({ token }));
      const scopes = data.response_metadata?.scopes;
      const granted = scopes === undefined ? undefined : scopes.filter(Boolean);
      return {
        teamId: String(data.team_id ?? ''), team: String(data.team ?? ''), url: String(data.url ?? 'https://slack.com/'),
        botUserId: String(data.user_id ?? ''), botName: String(data.user ?? ''), granted,
        missing: granted ? Object.keys(botScopes).filter((s) => !granted.includes(s)) : [],
      };
    },

    /** Public and private channels the bot can see, every page of them (at most `maxPages` of 200). */
    async listChannels(token: string, maxPages = 20): Promise<SlackChannel[]> {
      const out: SlackChannel[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        const data = await call('conversations.list', (c) => c.conversations.list({
          token, types: 'public_channel,private_channel', exclude_archived: true, limit: 200, cursor,
        }));
        out.push(...(data.channels ?? []).map(channelOf));
        cursor = data.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },

    async channelInfo(token: string, channel: string): Promise<SlackChannel | undefined> {
      try {
        return channelOf((await call('conversations.info', (c) => c.conversations.info({ token, channel }))).channel ?? {});
      } catch (err) {
        if (err instanceof SlackCallError && err.code === 'channel_not_found') return undefined;
        throw err;
      }
    },

    /** conversations.create, then conversations.join (the creator is in it already; join is a harmless no-op then). */
    async createChannel(token: string, name: string, isPrivate: boolean): Promise<SlackChannel> {
      const data = await call('conversations.create', (c) => c.conversations.create({ token, name, is_private: isPrivate }));
      const channel = channelOf(data.channel ?? {});
      if (!isPrivate) await call('conversations.join', (c) => c.conversations.join({ token, channel: channel.id }));
      return { ...channel, isMember: true };
    },

    async postMessage(token: string, channel: string, text: string) {
      await call('chat.postMessage', (c) => c.chat.postMessage({ token, channel, text }));
    },

    /** A DM: conversations.open with the user, then a message in that conversation. */
    async directMessage(token: string, user: string, text: string) {
      const data = await call('conversations.open', (c) => c.conversations.open({ token, users: user }));
      await call('chat.postMessage', (c) => c.chat.postMessage({ token, channel: String(data.channel?.id), text }));
    },

    async isAdmin(token: string, user: string): Promise<boolean> {
      const u = (await call('users.info', (c) => c.users.info({ token, user }))).user;
      return u?.is_admin === true || u?.is_owner === true || u?.is_primary_owner === true;
    },

    async revoke(token: string) {
      await call('auth.revoke', (c) => c.auth.revoke({ token }));
    },

    /** OpenID Connect: the code for a token, then the user's claims. */
    async openIdUser(o: { clientId: string; clientSecret: string; code: string; redirectUri: string }) {
      const data = await call('openid.connect.token', (c) => c.openid.connect.token({
        client_id: o.clientId, client_secret: o.clientSecret, code: o.code, redirect_uri: o.redirectUri, grant_type: 'authorization_code',
      }));
      const info = await call('openid.connect.userInfo', (c) => c.openid.connect.userInfo({ token: String(data.access_token) }));
      return {
        userId: String(info['https://slack.com/user_id'] ?? info.sub ?? ''),
        teamId: String(info['https://slack.com/team_id'] ?? ''),
        name: String(info.name ?? info.given_name ?? ''),
      };
    },
  };
}

export type SlackAdmin = ReturnType<typeof createSlackAdmin>;

/** Posts a test message to an incoming webhook; Slack answers `ok` or a plain-text error code with an HTTP status. */
export async function postWebhook(url: string, text: string, timeoutMs = 10_000): Promise<void> {
  const res = await fetch(url, {
    method: 'POST', body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.text()).trim();
  if (!res.ok) throw new SlackCallError(`${res.status} ${body.slice(0, 60) || res.statusText}`, 'webhook');
}

/** What to do about a Slack error, in the admin's terms. */
export function advice(code: string): string {
  if (code === 'not_in_channel') return 'Lookout is not in this channel: type /invite @Lookout in the channel, then send the test again.';
  if (code === 'channel_not_found') return 'The channel does not exist or is private without Lookout in it: invite Lookout (/invite @Lookout) or pick another channel.';
  if (code === 'is_archived') return 'The channel is archived: unarchive it or pick another one.';
  if (code === 'user_not_found') return 'No such user in this workspace: check the member ID (profile, "Copy member ID").';
  if (code === 'cannot_dm_bot') return 'That user is a bot; pick a person.';
  if (code === 'missing_scope') return 'Lookout lacks a permission for this: reinstall it (Connect Slack) to grant the missing scopes.';
  if (code === 'invalid_auth' || code === 'token_revoked' || code === 'account_inactive') return 'Slack no longer accepts Lookout\'s token: connect Slack again.';
  if (/^(403|404)\b/.test(code) || /invalid_token|no_service|no_team|no_active_hooks/.test(code)) {
    return 'Slack does not know this webhook (removed, or the app was reinstalled): create a new incoming webhook and paste its URL.';
  }
  if (code === 'webhook_unreadable') return 'The stored webhook URL cannot be decrypted (was ENCRYPTION_KEY changed?): paste the webhook URL again and save.';
  if (/^410\b|channel_is_archived/.test(code)) return 'The webhook\'s channel is archived: create a webhook for another channel.';
  if (/ratelimited|^429/.test(code)) return 'Slack is rate-limiting: wait a minute and try again.';
  return 'Try again; if it keeps failing, check Lookout\'s logs.';
}
