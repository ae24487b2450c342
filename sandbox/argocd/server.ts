/**
 * A plain-HTTP ArgoCD API server on 127.0.0.1 for what Lookout uses: applications (get, list by label selector,
 * resource tree) and sync, with bearer-token auth, RBAC refusals and grpc-gateway's `{error, code, message}` bodies.
 * Syncs are recorded and leave the operation Running until `finishOperation`, as ArgoCD's controller would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { demoApplications } from './demo-world.js';
import type { ArgoMutation, ArgoRequest, StoredApplication } from './types.js';
import { LocalApiServer, readBody } from '../local-server.js';

export type { ArgoMutation, ArgoRequest, StoredApplication } from './types.js';
export { DEMO_APP, DEMO_PROJECT, DEMO_REPO, demoApplications } from './demo-world.js';

export interface ArgoCdTestServerOptions {
  /** Default: the demo `cart` application. */
  applications?: StoredApplication[];
  /** Bearer token every API request needs; default `argocd-sandbox-token`. */
  token?: string;
  /** The token's subject, named in RBAC errors; default `lookout`. */
  subject?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface ArgoFailMatch {
  method?: string;
  pathIncludes?: string;
}

interface Reply {
  status: number;
  json: unknown;
}

// grpc codes as grpc-gateway reports them.
const GRPC = { InvalidArgument: 3, NotFound: 5, PermissionDenied: 7, FailedPrecondition: 9, Internal: 13, Unavailable: 14, Unauthenticated: 16 };

const grpcError = (status: number, code: number, message: string): Reply => ({ status, json: { error: message, code, message } });

export class ArgoCdTestServer extends LocalApiServer {
  /** Every request received, in order. */
  readonly requests: ArgoRequest[] = [];
  /** Every sync the server accepted (refused ones are not here). */
  readonly mutations: ArgoMutation[] = [];
  readonly token: string;
  readonly subject: string;
  private apps = new Map<string, StoredApplication>();
  private readonly refused = new Set<string>();
  private refuseAll = false;
  private readonly failRules: (ArgoFailMatch & { status: number; remaining: number })[] = [];

  constructor(opts: ArgoCdTestServerOptions = {}) {
    super(opts, 'ArgoCdTestServer');
    this.token = opts.token ?? 'argocd-sandbox-token';
    this.subject = opts.subject ?? 'lookout';
    this.load(opts.applications ?? demoApplications());
  }

  /** Replaces the applications with deep copies; recorded requests and mutations are kept. */
  load(applications: StoredApplication[]): void {
    this.apps = new Map(applications.map((a) => [a.metadata.name, structuredClone(a)]));
  }

  /** A copy of one application as a GET would return it. */
  get(name: string): StoredApplication | undefined {
    const app = this.apps.get(name);
    return app && structuredClone(app);
  }

  /** Makes the token's role lack `applications, sync` on these applications (all when none are named): 403. */
  refuseSync(...names: string[]): void {
    if (names.length === 0) this.refuseAll = true;
    for (const n of names) this.refused.add(n);
  }

  /** The next `times` matching requests fail with `status` (503 Unavailable, 500 Internal, ...). */
  failNext(match: ArgoFailMatch, status: number, times = 1): void {
    this.failRules.push({ ...match, status, remaining: times });
  }

  /** Ends the running operation, as the controller would; a successful real sync becomes a history entry. */
  finishOperation(name: string, phase: 'Succeeded' | 'Failed' = 'Succeeded', message?: string): void {
    const app = this.apps.get(name);
    const op = app?.status?.operationState;
    if (!app || !op || op.phase !== 'Running') throw new Error(`no operation is running on application ${name}`);
    const now = new Date().toISOString();
    const revision = op.operation.sync?.revision ?? app.spec.source?.targetRevision ?? 'HEAD';
    op.phase = phase;
    op.finishedAt = now;
    op.message = message ?? (phase === 'Succeeded' ? 'successfully synced (all tasks run)' : 'one or more objects failed to apply');
    op.syncResult = { revision, source: app.spec.source, resources: [] };
    delete app.operation;
    if (phase === 'Succeeded' && !op.operation.sync?.dryRun) {
      const history = (app.status!.history ??= []);
      const id = (history[history.length - 1]?.id ?? -1) + 1;
      history.push({ id, revision, deployStartedAt: op.startedAt, deployedAt: now, source: app.spec.source, initiatedBy: op.operation.initiatedBy });
      app.status!.sync = { ...app.status!.sync, status: 'Synced', revision };
    }
  }

  protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    let reply: Reply;
    try {
      const raw = await readBody(req);
      reply = this.route(method, path, raw, req.headers.authorization);
    } catch (e) {
      reply = grpcError(500, GRPC.Internal, e instanceof Error ? e.message : String(e));
    }
    this.requests.push({ method, path, status: reply.status, at: Date.now() });
    const body = JSON.stringify(reply.json);
    res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
  }

  private route(method: string, target: string, raw: string, authorization: string | undefined): Reply {
    const url = new URL(target, 'http://argocd.invalid');
    if (!url.pathname.startsWith('/api/v1/')) return grpcError(404, GRPC.NotFound, 'Not Found');
    if (!authorization) return grpcError(401, GRPC.Unauthenticated, 'no session information');
    if (authorization !== `Bearer ${this.token}`) {
      return grpcError(401, GRPC.Unauthenticated, 'invalid session: token signature is invalid');
    }
    const rule = this.failRules.find(
      (r) => (!r.method || r.method.toUpperCase() === method) && (!r.pathIncludes || target.includes(r.pathIncludes)),
    );
    if (rule) {
      if (--rule.remaining <= 0) this.failRules.splice(this.failRules.indexOf(rule), 1);
      return grpcError(rule.status, rule.status === 503 ? GRPC.Unavailable : GRPC.Internal, `injected failure (HTTP ${rule.status})`);
    }
    const parts = url.pathname.slice('/api/v1/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'applications') return grpcError(404, GRPC.NotFound, 'Not Found');
    if (parts.length === 1 && method === 'GET') return this.list(url);
    const app = parts[1] === undefined ? undefined : this.apps.get(parts[1]);
    if (parts.length > 3 || parts[1] === undefined) return grpcError(404, GRPC.NotFound, 'Not Found');
    if (!app) return grpcError(404, GRPC.NotFound, `applications.argoproj.io "${parts[1]}" not found`);
    if (parts.length === 2 && method === 'GET') return { status: 200, json: app };
    if (parts[2] === 'resource-tree' && method === 'GET') return { status: 200, json: resourceTree(app) };
    if (parts[2] === 'sync' && method === 'POST') return this.sync(app, raw);
    return grpcError(405, GRPC.InvalidArgument, 'Method Not Allowed');
  }

  private list(url: URL): Reply {
    const selector = url.searchParams.get('selector') ?? '';
    const projects = url.searchParams.getAll('projects');
    let match: (labels: Record<string, string>) => boolean;
    try {
      match = parseSelector(selector);
    } catch (e) {
      return grpcError(400, GRPC.InvalidArgument, (e as Error).message);
    }
    const items = [...this.apps.values()]
      .filter((a) => match(a.metadata.labels ?? {}) && (projects.length === 0 || projects.includes(a.spec.project)))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    return { status: 200, json: { metadata: { resourceVersion: '48213' }, items } };
  }

  private sync(app: StoredApplication, raw: string): Reply {
    const name = app.metadata.name;
    if (this.refuseAll || this.refused.has(name)) {
      return grpcError(403, GRPC.PermissionDenied,
        `permission denied: applications, sync, ${app.spec.project}/${name}, sub: ${this.subject}, iat: 2026-11-21T06:00:00Z`);
    }
    let body: Record<string, unknown>;
    try {
      body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch (e) {
      return grpcError(400, GRPC.InvalidArgument, `invalid character in request body: ${(e as Error).message}`);
    }
    if (app.status?.operationState?.phase === 'Running') {
      return grpcError(400, GRPC.FailedPrecondition, 'another operation is already in progress');
    }
    const revision = typeof body.revision === 'string' && body.revision ? body.revision : undefined;
    const prune = body.prune === true;
    const dryRun = body.dryRun === true;
    this.mutations.push({ action: 'sync', name, revision, prune, dryRun, body, at: Date.now() });
    const operation = {
      sync: { revision: revision ?? app.spec.source?.targetRevision, prune, dryRun },
      initiatedBy: { username: this.subject },
      retry: {},
    };
    app.operation = operation;
    app.status = { ...app.status, operationState: { operation, phase: 'Running', message: 'waiting for completion of hook and sync', startedAt: new Date().toISOString() } };
    return { status: 200, json: app };
  }
}

/** Kubernetes equality-based selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated. */
function parseSelector(selector: string): (labels: Record<string, string>) => boolean {
  const tests = selector.split(',').map((s) => s.trim()).filter(Boolean).map((term) => {
    const m = /^(!?)([A-Za-z0-9._/-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*))?$/.exec(term);
    if (!m) throw new Error(`error parsing selector "${selector}": unable to parse requirement: ${term}`);
    const [, not, key, op, value] = m;
    if (not) return (l: Record<string, string>) => !(key! in l);
    if (!op) return (l: Record<string, string>) => key! in l;
    return op === '!=' ? (l: Record<string, string>) => l[key!] !== value : (l: Record<string, string>) => l[key!] === value;
  });
  return (labels) => tests.every((t) => t(labels));
}

function resourceTree(app: StoredApplication): unknown {
  return {
    nodes: (app.status?.resources ?? []).map((r) => ({
      group: r.group ?? '', version: r.version ?? 'v1', kind: r.kind, namespace: r.namespace, name: r.name,
      uid: `${r.kind}-${r.name}`.toLowerCase(), resourceVersion: '1', health: r.health,
    })),
    hosts: [],
  };
}

