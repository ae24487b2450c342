/**
 * A plain-HTTP Prometheus on 127.0.0.1 for the part of the HTTP API Lookout uses: instant and range queries answered
 * from stored results (CONTRACT section 5's `prometheus` array), with Prometheus' envelopes, errors and status codes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  checkQuery, checkRange, errorTypeFor, instantQuery, parseDuration, parseTime, PromApiError, queryKey, rangeQuery,
  validateSeries,
} from './api.js';
import type { StoredQuery, StoredSeries } from './api.js';
import { LocalApiServer, readBody } from '../local-server.js';

export type { MatrixSeries, Sample, StoredQuery, StoredSeries, VectorSeries } from './api.js';

export interface PrometheusTestServerOptions {
  /** Stored answers; a query not held here answers an empty result of the right type. */
  series?: StoredQuery[];
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface PrometheusRequest {
  method: string;
  /** Path with the query string, as received. */
  path: string;
  /** Form values from the query string and, for POST, the urlencoded body (the body wins, as in Go's FormValue). */
  params: Record<string, string>;
  status: number;
  at: number;
}

interface Reply {
  status: number;
  json?: unknown;
  text?: string;
}

export const BUILD_INFO = {
  version: '2.55.1',
  revision: 'lookout-sandbox',
  branch: 'HEAD',
  buildUser: 'lookout@sandbox',
  buildDate: '20241105-00:00:00',
  goVersion: 'go1.23.2',
};

const QUERY_PATHS = new Set(['/api/v1/query', '/api/v1/query_range']);

export class PrometheusTestServer extends LocalApiServer {
  /** Every request received, in order. */
  readonly requests: PrometheusRequest[] = [];
  private readonly stored = new Map<string, StoredSeries[]>();
  private readonly failures: { status: number; remaining: number }[] = [];

  constructor(opts: PrometheusTestServerOptions = {}) {
    super(opts, 'PrometheusTestServer');
    for (const s of opts.series ?? []) this.addSeries(s);
  }

  /** Replaces every stored answer with `series` (one scenario's `prometheus` array); validates them all first. */
  load(series: StoredQuery[]): void {
    const validated = series.map(({ query, result }) => [queryKey(query), validateSeries(query, result)] as const);
    this.stored.clear();
    for (const [key, value] of validated) this.stored.set(key, value);
  }

  /** Stores (or replaces) the answer to one query; throws when `result` does not have the API's shape. */
  addSeries({ query, result }: StoredQuery): void {
    this.stored.set(queryKey(query), validateSeries(query, result));
  }

  /** The next `times` query requests fail with `status` and the matching errorType (503: unavailable, 422: execution). */
  failNext(status: number, times = 1): void {
    this.failures.push({ status, remaining: times });
  }

  protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    let params: Record<string, string> = {};
    let reply: Reply;
    try {
      const url = new URL(path, 'http://prometheus.invalid');
      params = Object.fromEntries(url.searchParams);
      if (method === 'POST') {
        const body = await readBody(req);
        if (String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
          params = { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
        }
      }
      reply = this.route(method, url.pathname, params);
    } catch (e) {
      reply = errorReply(e);
    }
    this.requests.push({ method, path, params, status: reply.status, at: Date.now() });
    send(res, reply);
  }

  private route(method: string, pathname: string, params: Record<string, string>): Reply {
    if (pathname === '/-/healthy' || pathname === '/-/ready') {
      if (method !== 'GET' && method !== 'HEAD') return { status: 405, text: 'Method Not Allowed\n' };
      return { status: 200, text: `Prometheus Server is ${pathname === '/-/healthy' ? 'Healthy' : 'Ready'}.\n` };
    }
    if (pathname === '/api/v1/status/buildinfo') {
      if (method !== 'GET') return { status: 405, text: 'Method Not Allowed\n' };
      return { status: 200, json: { status: 'success', data: BUILD_INFO } };
    }
    if (!QUERY_PATHS.has(pathname)) return { status: 404, text: '404 page not found\n' };
    if (method !== 'GET' && method !== 'POST') return { status: 405, text: 'Method Not Allowed\n' };
    const failure = this.failures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.failures.shift();
      throw new PromApiError(failure.status, errorTypeFor(failure.status), `injected failure (HTTP ${failure.status})`);
    }
    const query = params.query ?? '';
    const data = pathname === '/api/v1/query' ? this.query(query, params) : this.queryRange(query, params);
    return { status: 200, json: { status: 'success', data } };
  }

  private query(query: string, params: Record<string, string>) {
    const time = params.time ? parseTime(params.time, 'time') : undefined;
    checkQuery(query);
    return instantQuery(this.stored.get(queryKey(query)), query, time);
  }

  private queryRange(query: string, params: Record<string, string>) {
    const start = parseTime(params.start ?? '', 'start');
    const end = parseTime(params.end ?? '', 'end');
    const range = { start, end, step: parseDuration(params.step ?? '', 'step') };
    checkRange(query, range);
    return { resultType: 'matrix', result: rangeQuery(this.stored.get(queryKey(query)), range) };
  }
}

function errorReply(e: unknown): Reply {
  if (e instanceof PromApiError) {
    return { status: e.status, json: { status: 'error', errorType: e.errorType, error: e.message } };
  }
  return { status: 500, json: { status: 'error', errorType: 'internal', error: e instanceof Error ? e.message : String(e) } };
}

function send(res: ServerResponse, reply: Reply): void {
  const isText = reply.text !== undefined;
  const body = isText ? reply.text! : JSON.stringify(reply.json);
  res.writeHead(reply.status, {
    'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
  }).end(body);
}
