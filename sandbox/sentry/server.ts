/**
 * A plain-HTTP Sentry on 127.0.0.1 for the part of the REST API v0 Lookout reads: an issue, its events (org-scoped and
 * the older `/api/0/issues/{id}/events/` paths, with cursor pagination) and an event's attachments, with bearer-token
 * auth and Sentry's `{"detail": ...}` errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEMO_ORG, demoSentryWorld } from './demo-world.js';
import type { SentryRequest, SentryWorld, StoredAttachment, StoredEvent, StoredIssue } from './types.js';
import { LocalApiServer } from '../local-server.js';

export type { SentryRequest, SentryWorld, StoredAttachment, StoredEvent, StoredIssue } from './types.js';
export { DEMO_EVENT_ID, DEMO_ISSUE_ID, DEMO_ORG, DEMO_PROJECT, demoSentryWorld } from './demo-world.js';

export interface SentryTestServerOptions {
  /** Default: the demo world (the cart service's Redis errors). */
  world?: SentryWorld;
  /** Organization slug; default `lookout`. */
  org?: string;
  /** Bearer token every request needs; default `sntrys_sandbox`. */
  token?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface SentryFailMatch {
  pathIncludes?: string;
}

interface Reply {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

const DEFAULT_PER_PAGE = 100;
const NOT_FOUND: Reply = { status: 404, json: { detail: 'The requested resource does not exist' } };

export class SentryTestServer extends LocalApiServer {
  /** Every request received, in order. */
  readonly requests: SentryRequest[] = [];
  readonly org: string;
  readonly token: string;
  private world: SentryWorld = { issues: [], events: [] };
  private readonly failRules: (SentryFailMatch & { status: number; remaining: number })[] = [];

  constructor(opts: SentryTestServerOptions = {}) {
    super(opts, 'SentryTestServer');
    this.org = opts.org ?? DEMO_ORG;
    this.token = opts.token ?? 'sntrys_sandbox';
    this.load(opts.world ?? demoSentryWorld());
  }

  /** Replaces the contents with a deep copy of `world`; recorded requests are kept. */
  load(world: SentryWorld): void {
    this.world = structuredClone({ attachments: [], ...world });
  }

  /** Adds (or replaces by eventID) events, e.g. to build a long list. */
  addEvents(events: StoredEvent[]): void {
    const ids = new Set(events.map((e) => e.eventID));
    this.world.events = [...this.world.events.filter((e) => !ids.has(e.eventID)), ...structuredClone(events)];
  }

  /** The next `times` matching requests fail with `status` (500, 502, 503: an internal error; 429: rate limited). */
  failNext(match: SentryFailMatch, status: number, times = 1): void {
    this.failRules.push({ ...match, status, remaining: times });
  }

  protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    await drain(req);
    const authorized = req.headers.authorization === `Bearer ${this.token}`;
    let reply: Reply;
    try {
      reply = this.route(method, path, req.headers.authorization);
    } catch (e) {
      reply = { status: 500, json: { detail: `Internal Error: ${e instanceof Error ? e.message : String(e)}` } };
    }
    this.requests.push({ method, path, authorized, status: reply.status, at: Date.now() });
    const body = JSON.stringify(reply.json);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      ...reply.headers,
    }).end(body);
  }

  private route(method: string, target: string, authorization: string | undefined): Reply {
    const url = new URL(target, 'http://sentry.invalid');
    if (!url.pathname.startsWith('/api/0/')) return { status: 404, json: { detail: 'Not found' } };
    if (!authorization) return { status: 401, json: { detail: 'Authentication credentials were not provided.' } };
    if (authorization !== `Bearer ${this.token}`) return { status: 401, json: { detail: 'Invalid token' } };
    const rule = this.failRules.find((r) => !r.pathIncludes || target.includes(r.pathIncludes));
    if (rule) {
      if (--rule.remaining <= 0) this.failRules.splice(this.failRules.indexOf(rule), 1);
      return rule.status === 429
        ? { status: 429, json: { detail: 'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds' }, headers: { 'Retry-After': '1' } }
        : { status: rule.status, json: { detail: 'Internal Error' } };
    }
    if (method !== 'GET') return { status: 405, json: { detail: `Method "${method}" not allowed.` } };

    const parts = url.pathname.slice('/api/0/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    // organizations/{org}/issues/{id}/[events/[{event}/]]
    if (parts[0] === 'organizations' && parts[2] === 'issues') {
      if (parts[1] !== this.org) return NOT_FOUND;
      return this.issueRoute(parts.slice(3), url);
    }
    // issues/{id}/[events/[{event}/]]: the older, unscoped paths.
    if (parts[0] === 'issues') return this.issueRoute(parts.slice(1), url);
    // projects/{org}/{project}/events/{event_id}/attachments/
    if (parts[0] === 'projects' && parts[3] === 'events' && parts[5] === 'attachments' && parts.length === 6) {
      if (parts[1] !== this.org) return NOT_FOUND;
      return this.attachments(parts[2]!, parts[4]!);
    }
    return NOT_FOUND;
  }

  private issueRoute([id, sub, eventId, ...rest]: string[], url: URL): Reply {
    const issue = this.findIssue(id ?? '');
    if (!issue || rest.length) return NOT_FOUND;
    if (sub === undefined) return { status: 200, json: this.issueJson(issue) };
    if (sub !== 'events') return NOT_FOUND;
    const events = this.world.events
      .filter((e) => e.groupID === issue.id)
      .sort((a, b) => b.dateCreated.localeCompare(a.dateCreated));
    if (eventId === undefined) return this.eventPage(events, url);
    const pick = eventId === 'latest' || eventId === 'recommended' ? events[0]
      : eventId === 'oldest' ? events[events.length - 1]
      : events.find((e) => e.eventID === eventId);
    return pick ? { status: 200, json: eventJson(pick, true) } : NOT_FOUND;
  }

  private eventPage(events: StoredEvent[], url: URL): Reply {
    const perPage = Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return { status: 400, json: { detail: 'Invalid per_page value. Cannot exceed 100.' } };
    }
    // Sentry's cursors are `value:offset:is_prev`; this server only pages forward by offset.
    const offset = Number(url.searchParams.get('cursor')?.split(':')[1] ?? 0) || 0;
    const page = events.slice(offset, offset + perPage);
    const full = url.searchParams.get('full') === 'true' || url.searchParams.get('full') === '1';
    const link = (rel: string, at: number, results: boolean) => {
      const next = new URL(url.href.replace('http://sentry.invalid', this.url));
      next.searchParams.set('cursor', `0:${at}:${rel === 'previous' ? 1 : 0}`);
      return `<${next.href}>; rel="${rel}"; results="${results}"; cursor="0:${at}:${rel === 'previous' ? 1 : 0}"`;
    };
    const linkHeader = [
      link('previous', Math.max(offset - perPage, 0), offset > 0),
      link('next', offset + perPage, offset + perPage < events.length),
    ].join(', ');
    return { status: 200, json: page.map((e) => eventJson(e, full)), headers: { Link: linkHeader } };
  }

  private attachments(project: string, eventId: string): Reply {
    const event = this.world.events.find((e) => e.eventID === eventId && e.project === project);
    if (!event) return NOT_FOUND;
    const items: StoredAttachment[] = this.world.attachments?.find((a) => a.project === project && a.eventId === eventId)?.items ?? [];
    return { status: 200, json: items.map((a) => ({ event_id: eventId, headers: { 'Content-Type': a.mimetype }, ...a })) };
  }

  private findIssue(id: string): StoredIssue | undefined {
    return this.world.issues.find((i) => i.id === id || i.shortId?.toUpperCase() === id.toUpperCase());
  }

  private issueJson(issue: StoredIssue): StoredIssue {
    return { permalink: `${this.url}/organizations/${this.org}/issues/${issue.id}/`, ...issue };
  }
}

function eventJson({ project: _project, entries, ...event }: StoredEvent, withEntries: boolean): Record<string, unknown> {
  return withEntries ? { ...event, entries: entries ?? [] } : event;
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    req.on('data', () => undefined);
    req.on('end', () => resolve());
    req.on('error', reject);
  });
}
