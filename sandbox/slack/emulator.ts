import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, parseArgs, readBody, sendJson, sendText } from './http-util.js';
import { AppLink } from './interactions.js';
import type { PostUserMessageOptions } from './interactions.js';
import { chatMethods } from './methods-chat.js';
import { conversationMethods } from './methods-conversations.js';
import { fileMethods, receiveUpload } from './methods-files.js';
import { userMethods } from './methods-users.js';
import { OAuthProvider } from './oauth.js';
import { OpenIdProvider } from './openid.js';
import { ResponseUrls } from './response-url.js';
import type { RecordedResponse } from './response-url.js';
import { handleSandbox } from './sandbox-routes.js';
import { SocketModeServer } from './socket-mode.js';
import { SlackStore } from './store.js';
import { WebApi } from './web-api.js';
import type { MethodContext } from './web-api.js';
import { IncomingWebhooks } from './webhooks.js';
import type {
  ChannelOption,
  EmulatedMessage,
  FailureSpec,
  SlackEmulatorOptions,
  StoredChannel,
  StoredFile,
  StoredUser,
  UserGroupOption,
  UserOption,
  WebApiCall,
} from './types.js';

export type { EmulatedMessage, SlackEmulatorOptions } from './types.js';

const DEFAULT_USERS = [
  { id: 'U0ALICE', name: 'alice', realName: 'Alice Archer' },
  { id: 'U0BOB', name: 'bob', realName: 'Bob Baker' },
  { id: 'U0CAROL', name: 'carol', realName: 'Carol Chen' },
];

/**
 * A local stand-in for Slack: the Web API methods Lookout calls (so an unchanged WebClient can point at `apiUrl`),
 * a sandbox page for people, and signed event/interaction requests sent to the app.
 */
/** The action_id of the first button in a message whose action_id starts with `prefix` (an Approve or Reject button). */
export function findButton(message: EmulatedMessage | undefined, prefix: string): string | undefined {
  for (const block of (message?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[]) {
    const hit = block.type === 'actions' ? block.elements?.find((e) => e.action_id?.startsWith(prefix)) : undefined;
    if (hit) return hit.action_id;
  }
  return undefined;
}

export class SlackEmulator {
  readonly calls: WebApiCall[];
  /** OAuth installs (authorize page, oauth.v2.access) and the tokens they issue; Socket Mode connections and acks. */
  readonly oauth: OAuthProvider;
  /** Sign in with Slack: `signInAs(userId)` to approve the authorize page at once; `signIns` lists completed ones. */
  readonly oidc: OpenIdProvider;
  /** Incoming webhooks: `create()`, `revoke(url)`, `failNext(url, …)`, and every post in `deliveries`. */
  readonly webhooks: IncomingWebhooks;
  readonly socket: SocketModeServer;
  private readonly store: SlackStore;
  private readonly api: WebApi;
  private readonly link: AppLink;
  private readonly responseUrls: ResponseUrls;
  private readonly host: string;
  private server?: Server;
  private port: number;

  constructor(private readonly opts: SlackEmulatorOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.store = new SlackStore({
      teamId: opts.teamId ?? 'T0SANDBOX',
      teamName: opts.teamName ?? 'Lookout Sandbox',
      botUserId: opts.botUserId ?? 'U0LOOKOUT',
      botId: opts.botId ?? 'B0LOOKOUT',
      appId: opts.appId ?? 'A0LOOKOUT',
      botName: opts.botName ?? 'Lookout',
      channels: opts.channels ?? [{ id: 'C0ALERTS', name: 'alerts' }],
      users: opts.users ?? DEFAULT_USERS,
      userGroups: opts.userGroups ?? [],
    });
    const url = () => this.url;
    // A getter, because the port is only known after start().
    const ctx: MethodContext = {
      store: this.store,
      get baseUrl() {
        return url();
      },
    };
    this.webhooks = new IncomingWebhooks(this.store, url);
    this.oauth = new OAuthProvider(this.store, opts.oauth, () => this.link.appUrl, opts, this.webhooks);
    this.oidc = new OpenIdProvider(this.store, this.oauth, opts.oauth, url);
    this.socket = new SocketModeServer(this.store, url);
    this.api = new WebApi(ctx, (token) => this.oauth.identify(token), {
      ...userMethods,
      ...chatMethods,
      ...conversationMethods,
      ...fileMethods,
      ...this.oauth.methods(),
      ...this.oidc.methods(),
      ...this.socket.methods(),
    });
    this.calls = this.api.calls;
    this.responseUrls = new ResponseUrls(this.store);
    this.link = new AppLink(this.store, opts.signingSecret, this.responseUrls, () => this.url);
    this.link.appUrl = opts.appUrl;
    this.link.socket = this.socket;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (!res.headersSent) sendJson(res, status, { ok: false, error: (err as Error)?.message ?? String(err) });
        else res.end();
      });
    });
    server.on('upgrade', (req, socket, head) => this.socket.upgrade(req, socket, head) || socket.end('HTTP/1.1 404 Not Found\r\n\r\n'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.socket.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    if (!this.server) throw new Error('SlackEmulator is not started');
    const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Adds (or replaces) a person, e.g. `{ id: 'U0DANA', name: 'dana', isAdmin: true, email: 'dana@corp.test' }`. */
  addUser(user: UserOption): StoredUser {
    return structuredClone(this.store.addUser(user));
  }

  /** Adds a channel as the `channels` option does (the bot is in it unless `isMember: false`). */
  addChannel(channel: ChannelOption): StoredChannel {
    return structuredClone(this.store.seedChannel(channel));
  }

  /** Adds `count` channels named `${prefix}-001`…, e.g. to page through conversations.list; returns their IDs. */
  addChannels(count: number, opts: Omit<ChannelOption, 'id' | 'name'> & { prefix?: string } = {}): string[] {
    const { prefix = 'bulk', ...rest } = opts;
    return Array.from({ length: count }, (_, i) => {
      const n = String(i + 1).padStart(3, '0');
      const id = `C0${prefix.toUpperCase().replace(/[^A-Z0-9]/g, '')}${n}`;
      return this.store.seedChannel({ ...rest, id, name: `${prefix}-${n}` }).id;
    });
  }

  /** Archives a channel: it stays listed (unless exclude_archived) and refuses posts and joins. */
  archiveChannel(ref: string): void {
    const channel = this.store.channel(ref);
    if (!channel) throw new Error(`unknown channel ${ref}`);
    channel.isArchived = true;
    this.store.touch();
  }

  /** Messages in the bot's DM with a person (chat.postMessage to a user ID lands there); [] when none was opened. */
  dm(userId: string): EmulatedMessage[] {
    const im = this.store.imWith(userId);
    return im ? this.store.messages(im.id) : [];
  }

  /** Seeds a user group (`S…`) with its members, or replaces one; usergroups.* answer from it at once. */
  setUserGroup(group: UserGroupOption): void {
    this.store.setUserGroup(group);
  }

  setAppUrl(url: string): void {
    this.link.appUrl = url;
  }

  /** Makes the next `times` calls of a Web API method fail with a 429 (and Retry-After) or a 500. */
  failNext(method: string, spec: FailureSpec, times = 1): void {
    this.api.failNext(method, spec, times);
  }

  /**
   * The live message objects (not copies), so a test may hold one and wait for it to change, e.g.
   * `waitFor(() => alert.reactions.some(...))`. Treat them as read-only.
   */
  messages(channel?: string): EmulatedMessage[] {
    const id = channel === undefined ? undefined : (this.store.channel(channel)?.id ?? channel);
    return this.store.messages(id);
  }

  thread(channel: string, threadTs: string): EmulatedMessage[] {
    return this.store.thread(this.store.channel(channel)?.id ?? channel, threadTs);
  }

  /** A copy of every channel and DM, with members. */
  channels(): StoredChannel[] {
    return structuredClone([...this.store.channels.values()]);
  }

  file(id: string): StoredFile | undefined {
    return this.store.files.get(id);
  }

  /** Everything the app POSTed to response_urls, in order. */
  get responses(): RecordedResponse[] {
    return [...this.responseUrls.received];
  }

  async waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = fn();
        if (value) return value;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) {
        const why = lastError === undefined ? '' : `; last error: ${(lastError as Error).message ?? String(lastError)}`;
        const what = fn.toString().replace(/\s+/g, ' ').slice(0, 200);
        const message = `SlackEmulator.waitFor timed out after ${timeoutMs}ms waiting for: ${what}${why}`;
        throw new Error(message + this.recent());
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The last few messages, so a timed-out wait shows what Slack did receive. */
  private recent(count = 8): string {
    const lines = this.store.messages().slice(-count).map((m) => {
      const where = m.threadTs ? `${m.channel} thread ${m.threadTs}` : m.channel;
      const who = m.ephemeralFor ? ` (ephemeral for ${m.ephemeralFor})` : '';
      return `  ${where} ${m.ts}${who}: ${JSON.stringify(m.text.slice(0, 100))}`;
    });
    return lines.length ? `\nlast messages:\n${lines.join('\n')}` : '\nno messages yet';
  }

  clickButton(opts: { channel: string; ts: string; actionId: string; userId: string }): Promise<Response> {
    return this.link.clickButton(opts);
  }

  addReaction(opts: { channel: string; ts: string; name: string; userId: string }): Promise<Response> {
    return this.link.addReaction(opts);
  }

  removeReaction(opts: { channel: string; ts: string; name: string; userId: string }): Promise<Response> {
    return this.link.removeReaction(opts);
  }

  runSlashCommand(opts: { channel: string; userId: string; text: string; command?: string }): Promise<Response> {
    return this.link.runSlashCommand(opts);
  }

  postUserMessage(opts: PostUserMessageOptions): Promise<{ ts: string; response: Response }> {
    return this.link.postUserMessage(opts);
  }

  sendEvent(event: Record<string, unknown>, opts?: { retryNum?: number; eventId?: string }): Promise<Response> {
    return this.link.sendEvent(event, opts);
  }

  /** An Events API callback from one of the OAuth teams (`oauth.teams`), authorised as that team's install. */
  sendTeamEvent(teamId: string, event: Record<string, unknown>): Promise<Response> {
    const envelope = this.oauth.envelope(teamId, event, this.store.clock.next());
    return this.link.signedPost('/slack/events', JSON.stringify(envelope), 'application/json');
  }

  /** A person removes the app from a workspace: its tokens stop working, then Slack sends `app_uninstalled`. */
  uninstall(teamId: string): Promise<Response> {
    this.oauth.revokeTeam(teamId);
    return this.sendTeamEvent(teamId, { type: 'app_uninstalled' });
  }

  signedPost(
    path: string,
    body: string,
    contentType: string,
    extraHeaders?: Record<string, string>,
  ): Promise<Response> {
    return this.link.signedPost(path, body, contentType, extraHeaders);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const [, first, rest] = /^\/([^/]*)\/?(.*)$/.exec(url.pathname) ?? [];
    if (first === 'api' && rest) return await this.handleApi(req, res, rest, url.searchParams);
    if (first === 'upload' && req.method === 'POST') {
      const ok = receiveUpload(this.store, rest, req.headers['content-type'], await readBody(req));
      return ok
        ? sendText(res, 200, `OK - ${this.store.files.get(rest)?.size ?? 0}`)
        : sendText(res, 404, 'file_not_found');
    }
    if (first === 'files' && req.method === 'GET') return this.serveFile(res, rest);
    if (first === 'oauth' && req.method === 'GET') return this.oauth.handleAuthorize(req, res, url);
    if (first === 'openid' && req.method === 'GET' && rest.startsWith('connect/')) {
      return this.oidc.handle(res, rest.slice('connect/'.length), url);
    }
    if (first === '.well-known' && rest === 'openid-configuration') return sendJson(res, 200, this.oidc.configuration());
    if (first === 'services' && req.method === 'POST') {
      return this.webhooks.receive(res, rest, req.headers['content-type'], await readBody(req));
    }
    if (first === 'response' && req.method === 'POST') {
      const result = this.responseUrls.apply(rest, parseResponseBody(req.headers['content-type'], await readBody(req)));
      return sendJson(res, result.status, result.body);
    }
    if (url.pathname === '/') {
      res.writeHead(302, { location: '/sandbox' });
      return void res.end();
    }
    const deps = { store: this.store, link: this.link, banner: this.opts.banner, controls: this.opts.controls ?? [] };
    if (first === 'sandbox' && (await handleSandbox(req, res, url, deps))) return;
    sendText(res, 404, 'not found');
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    query: URLSearchParams,
  ): Promise<void> {
    const body = await readBody(req);
    let args: Record<string, unknown>;
    try {
      args = parseArgs(req.headers['content-type'], body, query);
    } catch {
      return sendJson(res, 200, { ok: false, error: 'invalid_json' });
    }
    const result = this.api.handle(method, req.headers, args);
    sendJson(res, result.status, result.body, result.headers);
  }

  private serveFile(res: ServerResponse, id: string): void {
    const file = this.store.files.get(id);
    if (!file?.bytes) return sendText(res, 404, 'file_not_found');
    // Uploaded bytes are untrusted: no sniffing, no scripts, even for SVG or HTML.
    res.writeHead(200, {
      'content-type': file.mimetype,
      'content-length': String(file.bytes.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    });
    res.end(file.bytes);
  }
}

/** Apps answer a response_url with JSON; form-encoded `payload=` is accepted too. */
function parseResponseBody(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  try {
    if (contentType?.includes('application/x-www-form-urlencoded')) {
      return JSON.parse(new URLSearchParams(text).get('payload') ?? '{}') as Record<string, unknown>;
    }
    return JSON.parse(text || '{}') as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'invalid_json');
  }
}
