import type { IncomingHttpHeaders } from 'node:http';
import type { SlackStore } from './store.js';
import type { FailureSpec, StoredChannel, TokenIdentity, WebApiCall } from './types.js';

/** The Web API's plumbing: auth, call log, injected failures, argument helpers and Slack-style errors. */

export type Args = Record<string, unknown>;

export interface MethodContext {
  readonly store: SlackStore;
  /** The emulator's own base URL, e.g. http://127.0.0.1:PORT (for permalinks and file URLs). */
  readonly baseUrl: string;
}

/** Who called: the token's identity (absent for tokenless methods such as oauth.v2.access) and the raw request. */
export interface CallInfo {
  auth?: TokenIdentity;
  token?: string;
  headers: IncomingHttpHeaders;
}

export type MethodHandler = (args: Args, ctx: MethodContext, call: CallInfo) => Record<string, unknown>;

/** Methods that authenticate with client credentials instead of a token. */
const TOKENLESS = new Set(['oauth.v2.access', 'oauth.access', 'openid.connect.token']);
/** Methods that take only an app-level token (xapp-); every other method refuses one. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** A Slack error code such as channel_not_found; becomes `{ ok: false, error: code }`. */
export class SlackApiError extends Error {
  /** `extra` goes beside `error` in the response, as Slack's `needed`/`provided` do for missing_scope. */
  constructor(readonly code: string, readonly extra: Record<string, unknown> = {}) {
    super(code);
  }
}

export function hasScope(call: CallInfo, scope: string): boolean {
  return call.auth?.scopes.includes(scope) ?? false;
}

/** Refuses the call the way Slack does when the token lacks a scope the method needs. */
export function requireScope(call: CallInfo, scope: string): void {
  const scopes = call.auth?.scopes ?? [];
  if (!scopes.includes(scope)) throw new SlackApiError('missing_scope', { needed: scope, provided: scopes.join(',') });
}

export interface WebApiResult {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export class WebApi {
  readonly calls: WebApiCall[] = [];
  private readonly failures = new Map<string, { spec: FailureSpec; remaining: number }>();

  constructor(
    private readonly ctx: MethodContext,
    /** 'revoked' for a token auth.revoke or an uninstall took back: Slack answers token_revoked, not invalid_auth. */
    private readonly identify: (token: string) => TokenIdentity | 'revoked' | undefined,
    private readonly methods: Record<string, MethodHandler>,
  ) {}

  failNext(method: string, spec: FailureSpec, times = 1): void {
    this.failures.set(method, { spec, remaining: times });
  }

  handle(method: string, headers: IncomingHttpHeaders, rawArgs: Args): WebApiResult {
    const { token: bodyToken, ...args } = rawArgs;
    const call: WebApiCall = { method, args, at: Date.now() };
    this.calls.push(call);
    const failure = this.takeFailure(method);
    if (failure?.status === 429) {
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(failure.retryAfter) },
      };
    }
    if (failure) return { status: failure.status, body: { ok: false, error: 'internal_error' }, headers: {} };
    const handler = this.methods[method];
    if (!handler) return fail('unknown_method');
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
    const who = token ? this.identify(token) : undefined;
    const auth = who === 'revoked' ? undefined : who;
    if (!TOKENLESS.has(method)) {
      if (!token) return fail('not_authed');
      if (who === 'revoked') return fail('token_revoked');
      if (!auth) return fail('invalid_auth');
      if ((auth.kind === 'app') !== APP_TOKEN_METHODS.has(method)) return fail('not_allowed_token_type');
      call.teamId = auth.teamId;
    }
    try {
      const body = { ok: true, ...handler(args, this.ctx, { auth, token, headers }) };
      // Slack names the token's scopes on every response; the Web API client exposes them as response_metadata.scopes.
      return { status: 200, body, headers: auth?.scopes.length ? { 'x-oauth-scopes': auth.scopes.join(',') } : {} };
    } catch (err) {
      if (err instanceof SlackApiError) return fail(err.code, err.extra);
      throw err;
    }
  }

  private takeFailure(method: string): FailureSpec | undefined {
    const failure = this.failures.get(method);
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.delete(method);
    return failure.spec;
  }
}

function fail(error: string, extra: Record<string, unknown> = {}): WebApiResult {
  return { status: 200, body: { ok: false, error, ...extra }, headers: {} };
}

export function str(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(args: Args, key: string, fallback: number): number {
  const n = Number.parseInt(str(args, key) ?? '', 10);
  return Number.isNaN(n) ? fallback : n;
}

export function bool(args: Args, key: string): boolean {
  const v = args[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** Comma-separated lists, as Slack takes `users=U1,U2`. */
export function list(args: Args, key: string): string[] {
  const v = args[key];
  if (Array.isArray(v)) return v.map(String);
  return (str(args, key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function requireChannel(ctx: MethodContext, args: Args, key = 'channel'): StoredChannel {
  const channel = ctx.store.channel(str(args, key));
  if (!channel) throw new SlackApiError('channel_not_found');
  return channel;
}

/** Slack-style cursor pagination: an opaque base64 offset and `response_metadata.next_cursor` ('' at the end). */
export function paginate<T>(items: T[], args: Args, defaultLimit = 100): { page: T[]; meta: { next_cursor: string } } {
  const limit = Math.min(Math.max(int(args, 'limit', defaultLimit) || defaultLimit, 1), 1000);
  const cursor = str(args, 'cursor');
  let offset = 0;
  if (cursor) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!m) throw new SlackApiError('invalid_cursor');
    offset = Number(m[1]);
  }
  const page = items.slice(offset, offset + limit);
  const more = offset + limit < items.length;
  return { page, meta: { next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' } };
}
