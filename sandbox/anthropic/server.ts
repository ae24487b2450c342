/**
 * A plain-HTTP Messages API server on 127.0.0.1 whose "model" is a script, faithful enough that the real
 * @anthropic-ai/sdk talks to it unchanged (`baseURL: server.url`): the same auth headers, validation errors, message
 * objects, tool_use ids, stop reasons and usage with prompt caching.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './types.js';
import type { MessagesRequest, RecordedRequest, Responder, ScriptedBlock, ScriptedTurn, StopReason } from './types.js';
import { outputTokens, PromptCache } from './usage.js';
import { parseMessagesRequest } from './validate.js';
import { LocalApiServer } from '../local-server.js';

export type { MessagesRequest, RecordedRequest, Responder, ScriptedBlock, ScriptedTurn, StopReason, Usage } from './types.js';
export { estimateTokens } from './usage.js';

export interface MessagesApiTestServerOptions {
  /** The turns to answer with, in order, or a function of the request. Replace later with `script()`. */
  script?: ScriptedTurn[] | Responder;
  /** When set, the key (`x-api-key`, or `Authorization: Bearer`) must equal it; otherwise any non-empty key is accepted. */
  apiKey?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Prefixes shorter than this are not cached (the real API's minimum is 1024+ tokens); default 0. */
  minCacheTokens?: number;
  /** Seconds sent in `retry-after` with injected 429s and 529s; default 0 so SDK retries do not slow tests. */
  retryAfterSeconds?: number;
}

interface FailRule {
  status: number;
  remaining: number;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `msg_…`, `toolu_…`, `req_…`: Anthropic's id shapes. */
export function anthropicId(prefix: string): string {
  return `${prefix}_01${[...randomBytes(22)].map((b) => BASE62[b % 62]).join('')}`;
}

export class MessagesApiTestServer extends LocalApiServer {
  /** Every request received, in order, with the status it got. */
  readonly requests: RecordedRequest[] = [];
  private turns: ScriptedTurn[] = [];
  private responder?: Responder;
  private answered = 0;
  private readonly failRules: FailRule[] = [];
  private readonly cache: PromptCache;

  constructor(private readonly opts: MessagesApiTestServerOptions = {}) {
    super(opts, 'MessagesApiTestServer');
    this.cache = new PromptCache(opts.minCacheTokens ?? 0);
    if (opts.script) this.script(opts.script);
  }

  /** Replaces the script: a list of turns consumed one per successful request, or a function of the request. */
  script(script: ScriptedTurn[] | Responder): void {
    this.answered = 0;
    if (typeof script === 'function') {
      this.responder = script;
      this.turns = [];
    } else {
      this.responder = undefined;
      this.turns = [...script];
    }
  }

  /** Makes the next `times` requests fail: 429 rate_limit_error, 500 api_error, 529 overloaded_error, ... */
  failNext(status: number, times = 1): void {
    this.failRules.push({ status, remaining: times });
  }

  /** The parsed bodies of the requests that reached the script (valid, authenticated, not failed on purpose). */
  get answeredRequests(): MessagesRequest[] {
    return this.requests.filter((r) => r.status === 200 && r.body).map((r) => r.body!);
  }

  /** Forgets recorded requests, pending failures and the prompt cache; the script is kept. */
  clearRecords(): void {
    this.requests.length = 0;
    this.failRules.length = 0;
    this.cache.clear();
  }

  protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: req.url ?? '/',
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
      raw: '',
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);
    let status = 200;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      body = await this.dispatch(req, record);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, `Internal server error: ${(e as Error).message}`);
      status = err.status;
      headers = err.headers;
      body = { type: 'error', error: { type: err.type, message: err.message } };
    }
    record.status = status;
    const requestId = anthropicId('req');
    if (status !== 200) (body as Record<string, unknown>).request_id = requestId;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'request-id': requestId,
      ...headers,
    }).end(text);
  }

  private async dispatch(req: IncomingMessage, record: RecordedRequest): Promise<unknown> {
    const raw = await readBody(req);
    record.raw = raw;
    const path = record.path.split('?')[0];
    if (path !== '/v1/messages') throw new ApiError(404, `Not found: ${record.method} ${path}`);
    if (record.method !== 'POST') throw new ApiError(405, `Method ${record.method} not allowed on ${path}`);
    this.authenticate(record.headers);
    const request = parseMessagesRequest(raw);
    record.body = request;
    this.injectFailure();
    const turn = await this.nextTurn(request);
    return this.message(request, turn);
  }

  private authenticate(headers: RecordedRequest['headers']): void {
    // SDK 1.x sends an API key as `Authorization: Bearer`; older clients and curl send `x-api-key`.
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const key = headers['x-api-key'] || bearer;
    if (!key) throw new ApiError(401, 'an API key is required: x-api-key header or Authorization: Bearer');
    if (this.opts.apiKey !== undefined && key !== this.opts.apiKey) throw new ApiError(401, 'invalid x-api-key');
    if (!headers['anthropic-version']) throw new ApiError(400, 'anthropic-version: header is required');
  }

  private injectFailure(): void {
    const rule = this.failRules[0];
    if (!rule) return;
    if (--rule.remaining <= 0) this.failRules.shift();
    const retryAfter = String(this.opts.retryAfterSeconds ?? 0);
    const headers: Record<string, string> = rule.status === 429 || rule.status === 529 ? { 'retry-after': retryAfter } : {};
    const messages: Record<number, string> = {
      429: 'Number of request tokens has exceeded your per-minute rate limit',
      500: 'Internal server error',
      529: 'Overloaded',
    };
    throw new ApiError(rule.status, messages[rule.status] ?? `Injected failure ${rule.status}`, headers);
  }

  private async nextTurn(request: MessagesRequest): Promise<ScriptedTurn> {
    if (this.responder) return this.responder(request, this.answered++);
    const turn = this.turns.shift();
    // x-should-retry: the SDK must not retry a test that simply ran out of script.
    if (!turn) throw new ApiError(500, 'MessagesApiTestServer: the script has no turn left', { 'x-should-retry': 'false' });
    this.answered++;
    return turn;
  }

  private message(request: MessagesRequest, turn: ScriptedTurn) {
    let content: ScriptedBlock[] = Array.isArray(turn) ? turn : turn.content;
    let stop: StopReason = (!Array.isArray(turn) && turn.stop_reason) || (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    let output = outputTokens(content);
    if (output > request.max_tokens) {
      // Cut off as the model would be: text truncated, tool calls never finished.
      stop = 'max_tokens';
      const text = content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('');
      content = [{ type: 'text', text: text.slice(0, request.max_tokens * 4) }];
      output = request.max_tokens;
    }
    const input = this.cache.account(request);
    return {
      id: anthropicId('msg'),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content: content.map((b) => (b.type === 'text'
        ? { type: 'text', text: b.text, citations: null }
        : { type: 'tool_use', id: b.id ?? anthropicId('toolu'), name: b.name, input: b.input, caller: { type: 'direct' } })),
      stop_reason: stop,
      stop_sequence: null,
      stop_details: null,
      usage: {
        ...input,
        output_tokens: output,
        cache_creation: { ephemeral_5m_input_tokens: input.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
        service_tier: 'standard',
        server_tool_use: null,
      },
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new ApiError(413, 'Request exceeds the maximum allowed number of bytes.'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
