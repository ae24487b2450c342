/** Public shapes of the Slack emulator, kept apart so the store, the Web API and the page share them. */

export interface SlackEmulatorOptions {
  /** Scopes granted to the bot token, sent back in `x-oauth-scopes` (default: all Lookout asks for). */
  botScopes?: string[];
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Signs every request the emulator sends to the app (Slack v0 signature). */
  signingSecret: string;
  /** The only token the Web API accepts. */
  botToken: string;
  /** Base URL of the app; events and interactions go to `${appUrl}/slack/events`. */
  appUrl?: string;
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Display name of the bot on the sandbox page and in auth.test. */
  botName?: string;
  channels?: ChannelOption[];
  users?: UserOption[];
  userGroups?: UserGroupOption[];
  /** Shown at the top of the sandbox page (emoji shortcodes allowed). */
  banner?: string;
  /** App-level token (xapp-...) that apps.connections.open accepts, for Socket Mode. */
  appToken?: string;
  /** The app's OAuth credentials: enables /oauth/v2/authorize and oauth.v2.access, which issue a token per team. */
  oauth?: OAuthOptions;
  /** Buttons in the sandbox page's top bar, e.g. "Fire sample alert"; what run() returns is shown to the person. */
  controls?: SandboxControl[];
}

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Workspaces (or orgs) a person may install the app into; default: the emulator's own team. */
  teams?: OAuthTeamOption[];
}

export interface OAuthTeamOption {
  id: string;
  name: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** An org-wide install: the token belongs to the org, events still name the workspace they happen in. */
  isEnterpriseInstall?: boolean;
  /** The bot user in that team; default U0LOOKOUT for the emulator's own team, else derived from the team ID. */
  botUserId?: string;
  /** Who installs; default the first user. */
  installerUserId?: string;
}

/** One `<emulator>/services/T…/B…/<secret>` URL, as oauth.v2.access returns it for the incoming-webhook scope. */
export interface IncomingWebhook {
  url: string;
  teamId: string;
  /** `#name` of the channel it posts to, as Slack reports it. */
  channel: string;
  channelId: string;
  configurationUrl: string;
  /** The B… ID its messages carry as bot_id. */
  botId: string;
  revoked: boolean;
}

/** What a webhook answers instead of posting, e.g. `{ status: 500, body: 'rollup_error' }`. */
export interface WebhookFailure {
  status: number;
  body: string;
  /** Seconds, sent as Retry-After (for a 429). */
  retryAfter?: number;
}

/** A token that auth.revoke (or an uninstall) revoked; `test` when auth.revoke ran with test=true and kept it. */
export interface Revocation {
  token: string;
  kind: TokenIdentity['kind'];
  teamId?: string;
  userId?: string;
  test: boolean;
  at: number;
}

/** Who a token belongs to: the emulator's bot token, the app token, or one issued by oauth.v2.access. */
export interface TokenIdentity {
  kind: 'bot' | 'user' | 'app';
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  userId?: string;
  botId?: string;
  scopes: string[];
}

export interface SandboxControl {
  id: string;
  label: string;
  run: () => Promise<string | void> | string | void;
}

export interface ChannelOption {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** Whether the bot is already a member (default true). */
  isMember?: boolean;
  isArchived?: boolean;
}

export interface UserOption {
  id: string;
  name: string;
  realName?: string;
  /** Default `${name}@example.com`; users.* show it only to a token with users:read.email. */
  email?: string;
  /** Workspace admin; owners are admins too, as in users.info. */
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
}

export interface UserGroupOption {
  id: string;
  handle: string;
  users: string[];
}

export interface EmulatedFileRef {
  id: string;
  title?: string;
  name?: string;
  url: string;
}

export interface EmulatedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  user?: string;
  botId?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  reactions: { name: string; users: string[] }[];
  files?: EmulatedFileRef[];
  edited?: boolean;
  ephemeralFor?: string;
}

export interface WebApiCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** The workspace whose token made the call (set once the token is recognised). */
  teamId?: string;
}

export type FailureSpec = { status: 429; retryAfter: number } | { status: 500 };

export type ChannelKind = 'channel' | 'im' | 'mpim';

export interface StoredChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  isPrivate: boolean;
  members: string[];
  created: number;
  creator: string;
  /** The other person of a DM. */
  imUser?: string;
  isArchived?: boolean;
}

export interface StoredUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
  email?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  altText?: string;
  mimetype: string;
  size: number;
  bytes?: Buffer;
  created: number;
  user: string;
}
