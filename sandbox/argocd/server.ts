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
  /** When set, every operation (dry run or real sync) finishes Succeeded this long after it starts, as a controller would. */
  completeOperationsAfterMs?: number;
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
  private readonly refusedActions = new Set<string>();
  /** restartedAt of resources the restart action touched, by `kind/namespace/name`. */
  private readonly restarts = new Map<string, string>();
  private readonly completeAfterMs?: number;

  constructor(opts: ArgoCdTestServerOptions = {}) {
    super(opts, 'ArgoCdTestServer');
    this.completeAfterMs = opts.completeOperationsAfterMs;
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

  /** Makes the token's role lack `applications, action/...` on these applications (all when none are named): 403. */
  refuseActions(...names: string[]): void {
    for (const n of names.length ? names : ['*']) this.refusedActions.add(n);
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
    if (parts.length > 4 || parts[1] === undefined) return grpcError(404, GRPC.NotFound, 'Not Found');
    if (!app) return grpcError(404, GRPC.NotFound, `applications.argoproj.io "${parts[1]}" not found`);
    if (parts[2] === 'resource' && parts.length === 3 && method === 'GET') return this.resource(app, url);
    if (parts[2] === 'resource' && parts[3] === 'actions') return this.resourceAction(app, url, method, raw);
    if (parts.length > 3) return grpcError(404, GRPC.NotFound, 'Not Found');
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
    const info = Array.isArray(body.infos) ? (body.infos as { name: string; value: string }[]) : undefined;
    this.mutations.push({ action: 'sync', name, revision, prune, dryRun, body, at: Date.now() });
    const operation = {
      sync: { revision: revision ?? app.spec.source?.targetRevision, prune, dryRun },
      initiatedBy: { username: this.subject },
      ...(info ? { info } : {}),
      retry: {},
    };
    app.operation = operation;
    const startedAt = new Date().toISOString();
    app.status = { ...app.status, operationState: { operation, phase: 'Running', message: 'waiting for completion of hook and sync', startedAt } };
    if (this.completeAfterMs !== undefined) {
      setTimeout(() => {
        if (app.status?.operationState?.startedAt === startedAt && app.status.operationState.phase === 'Running') this.finishOperation(name);
      }, this.completeAfterMs).unref();
    }
    return { status: 200, json: app };
  }

  /** GET .../resource: the live manifest of one of the application's resources, as a JSON string. */
  private resource(app: StoredApplication, url: URL): Reply {
    const found = this.findResource(app, url);
    if ('status' in found) return found;
    const { r, key } = found;
    const restartedAt = this.restarts.get(key);
    const manifest = {
      apiVersion: r.group ? `${r.group}/${r.version ?? 'v1'}` : (r.version ?? 'v1'),
      kind: r.kind,
      metadata: { name: r.name, namespace: r.namespace },
      ...(restartedAt ? { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } } : {}),
    };
    return { status: 200, json: { manifest: JSON.stringify(manifest) } };
  }

  /** GET lists the actions a resource offers; POST (body: the action name as a JSON string) runs one. */
  private resourceAction(app: StoredApplication, url: URL, method: string, raw: string): Reply {
    const found = this.findResource(app, url);
    if ('status' in found) return found;
    const { r, key } = found;
    const restartable = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(r.kind);
    const offered = restartable ? ['restart'] : [];
    if (method === 'GET') return { status: 200, json: { actions: offered.map((name) => ({ name, disabled: false })) } };
    if (method !== 'POST') return grpcError(405, GRPC.InvalidArgument, 'Method Not Allowed');
    let action: unknown;
    try {
      action = JSON.parse(raw);
    } catch {
      return grpcError(400, GRPC.InvalidArgument, 'the body must be the action name as a JSON string');
    }
    const name = app.metadata.name;
    const policy = `action/${r.group ? `${r.group}/` : ''}${r.kind}/${String(action)}`;
    if (this.refusedActions.has('*') || this.refusedActions.has(name)) {
      return grpcError(403, GRPC.PermissionDenied,
        `permission denied: applications, ${policy}, ${app.spec.project}/${name}, sub: ${this.subject}, iat: 2026-11-21T06:00:00Z`);
    }
    if (typeof action !== 'string' || !offered.includes(action)) {
      return grpcError(400, GRPC.InvalidArgument, `action ${JSON.stringify(action)} is not available on ${r.kind} ${r.name}`);
    }
    this.restarts.set(key, new Date().toISOString());
    this.mutations.push({
      action: 'resource-action', name, resourceAction: action, resource: { group: r.group ?? '', kind: r.kind, namespace: r.namespace, name: r.name },
      prune: false, dryRun: false, body: { action }, at: Date.now(),
    });
    return { status: 200, json: {} };
  }

  private findResource(app: StoredApplication, url: URL): { r: NonNullable<NonNullable<StoredApplication['status']>['resources']>[number]; key: string } | Reply {
    const q = (k: string) => url.searchParams.get(k) ?? '';
    const r = (app.status?.resources ?? []).find((x) => x.kind === q('kind') && x.name === q('resourceName')
      && (x.namespace ?? '') === q('namespace') && (x.group ?? '') === q('group'));
    if (!r) return grpcError(404, GRPC.NotFound, `${q('kind')} ${q('namespace')}/${q('resourceName')} is not a resource of application ${app.metadata.name}`);
    return { r, key: `${r.kind}/${r.namespace ?? ''}/${r.name}` };
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

