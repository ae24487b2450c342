/**
 * A plain-HTTP, in-memory Kubernetes API server on 127.0.0.1 for the subset Lookout uses, faithful enough that the
 * real @kubernetes/client-node talks to it unchanged. See routes-*.ts for the endpoints.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Controllers } from './controller.js';
import { kubeconfigYaml, SANDBOX_NAME, writeKubeconfig } from './kubeconfig.js';
import { appsRoutes } from './routes-apps.js';
import { coreRoutes } from './routes-core.js';
import { metaRoutes } from './routes-meta.js';
import { describePath, errorReply, parseBody, parseDryRun, Router } from './router.js';
import type { Ctx, Match, Reply } from './router.js';
import { ApiError, injected } from './status.js';
import { asObject, ObjectStore } from './store.js';
import type { FailRule, Kind, KubeObject, KubernetesWorld, Mutation, RequestRecord } from './types.js';
import { LocalApiServer, readBody } from '../local-server.js';

export type { Kind, KubeObject, KubernetesWorld, Mutation, RequestRecord } from './types.js';

export interface KubernetesTestServerOptions {
  world?: KubernetesWorld;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, every request but the public health/version paths needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Default true: a deleted pod owned by a ReplicaSet is replaced by a new Running+Ready pod, as controllers do. */
  recreateDeletedPods?: boolean;
}

export interface FailMatch {
  method?: string;
  pathIncludes?: string;
}

/** Which request `hold` stops: `dryRun` true or false matches only dry-run or only real requests. */
export interface HoldMatch extends FailMatch {
  dryRun?: boolean;
  /** 'before' (default): held before it is applied; 'after': applied, then its answer is held. */
  stage?: 'before' | 'after';
}

/** A request `hold` caught; nothing is applied ('before') or answered ('after') until release() or the client hangs up. */
export interface HeldRequest {
  method: string;
  path: string;
  release(): void;
  /** Resolves true when the client hung up while the request was held (a 'before' request is then never applied). */
  readonly abandoned: Promise<boolean>;
}

interface HoldRule {
  match: HoldMatch;
  caught(held: HeldRequest): void;
}

// Paths the system:public-info-viewer role opens to unauthenticated callers.
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export class KubernetesTestServer extends LocalApiServer {
  /** Every mutating request that was applied or dry-run, in order (refused ones are not here). */
  readonly mutations: Mutation[] = [];
  /** Every request received, in order; `path` includes the query string. */
  readonly requests: RequestRecord[] = [];
  private readonly store = new ObjectStore();
  private readonly controllers: Controllers;
  private readonly router = new Router([...metaRoutes, ...coreRoutes, ...appsRoutes]);
  private readonly failRules: FailRule[] = [];
  private readonly holdRules: HoldRule[] = [];
  private readonly token?: string;

  constructor(opts: KubernetesTestServerOptions = {}) {
    super(opts, 'KubernetesTestServer');
    this.token = opts.token;
    this.controllers = new Controllers(this.store, { recreateDeletedPods: opts.recreateDeletedPods ?? true });
    if (opts.world) this.load(opts.world);
  }

  /** Replaces the contents with a deep copy of `world`; recorded requests and mutations are kept. */
  load(world: KubernetesWorld): void {
    this.store.load(world);
  }

  /** Forgets recorded requests and mutations and any pending failNext rules (the world is left as it is). */
  clearRecords(): void {
    this.mutations.length = 0;
    this.requests.length = 0;
    this.failRules.length = 0;
  }

  /** A copy of one stored object, with kind and apiVersion, as a GET would return it. */
  get(kind: Kind, namespace: string, name: string): KubeObject | undefined {
    const obj = this.store.get(kind, namespace, name);
    return obj && asObject(kind, obj);
  }

  /** Copies of the stored objects of a kind, in one namespace or all. */
  list(kind: Kind, namespace?: string): KubeObject[] {
    return this.store.list(kind, namespace).map((o) => asObject(kind, o));
  }

  /** Makes the next `times` matching requests fail with a Status of `status` (e.g. 403 Forbidden, 500, 503). */
  failNext(match: FailMatch, status: number, times = 1): void {
    this.failRules.push({ ...match, status, remaining: times });
  }

  /**
   * Holds the next matching request (e.g. a slow apiserver, or a client killed mid-call): resolves once it arrives.
   * Matching is once; later requests pass.
   */
  hold(match: HoldMatch): Promise<HeldRequest> {
    return new Promise((caught) => this.holdRules.push({ match, caught }));
  }

  /** Writes a kubeconfig for this server: cluster, context and user all named lookout-sandbox. */
  writeKubeconfig(file: string): void {
    writeKubeconfig(file, this.url, this.token);
  }

  /** The same kubeconfig as a string, for KubeConfig.loadFromString. */
  kubeconfig(): string {
    return kubeconfigYaml(this.url, this.token);
  }

  protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    this.requests.push({ method, path: target, at: Date.now() });
    let reply: Reply;
    try {
      const raw = await readBody(req);
      const gate = this.takeHold(method, target, req);
      if (gate?.stage === 'before' && (await gate.wait)) return;
      reply = this.dispatch(method, target, raw, req.headers);
      if (gate?.stage === 'after' && (await gate.wait)) return;
    } catch (e) {
      reply = errorReply(e);
    }
    send(res, reply);
  }

  /** For a held request: `wait` resolves false on release, true when the client hung up first. */
  private takeHold(method: string, target: string, req: IncomingMessage): { stage: 'before' | 'after'; wait: Promise<boolean> } | undefined {
    const dryRun = new URL(target, 'http://x').searchParams.has('dryRun');
    const index = this.holdRules.findIndex(({ match: m }) => (!m.method || m.method.toUpperCase() === method)
      && (!m.pathIncludes || target.includes(m.pathIncludes)) && (m.dryRun === undefined || m.dryRun === dryRun));
    if (index < 0) return undefined;
    const [rule] = this.holdRules.splice(index, 1);
    let release!: () => void;
    const wait = new Promise<boolean>((resolve) => {
      release = () => resolve(false);
      if (req.socket.destroyed) resolve(true);
      req.socket.once('close', () => resolve(true));
    });
    rule.caught({ method, path: target, release, abandoned: wait });
    return { stage: rule.match.stage ?? 'before', wait };
  }

  private dispatch(method: string, target: string, raw: string, headers: IncomingHttpHeaders): Reply {
    try {
      const url = new URL(target, this.url);
      this.authenticate(headers.authorization, url.pathname);
      const rule = this.takeFailRule(method, target);
      let match: Match | undefined;
      try {
        match = this.router.match(method, url.pathname);
      } catch (e) {
        if (!rule) throw e;
      }
      if (rule) throw injected(rule.status, SANDBOX_NAME, match?.info ?? describePath(method, url.pathname));
      const mutating = method !== 'GET';
      const ctx: Ctx = {
        method,
        url,
        params: match!.params,
        dryRun: mutating && parseDryRun(url),
        body: mutating ? parseBody(raw) : undefined,
        contentType: headers['content-type'],
        store: this.store,
        controllers: this.controllers,
        record: (m) => this.mutations.push({ ...m, path: url.pathname, dryRun: ctx.dryRun, at: Date.now() }),
      };
      return match!.route.handle(ctx);
    } catch (e) {
      return errorReply(e);
    }
  }

  private authenticate(authorization: string | undefined, pathname: string): void {
    if (!this.token) return;
    if (authorization === `Bearer ${this.token}`) return;
    if (!authorization && PUBLIC_PATHS.has(pathname)) return;
    throw new ApiError(401, 'Unauthorized');
  }

  private takeFailRule(method: string, target: string): FailRule | undefined {
    const rule = this.failRules.find(
      (r) => (!r.method || r.method.toUpperCase() === method) && (!r.pathIncludes || target.includes(r.pathIncludes)),
    );
    if (rule && --rule.remaining <= 0) this.failRules.splice(this.failRules.indexOf(rule), 1);
    return rule;
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const status = reply.status ?? 200;
  const isText = reply.text !== undefined;
  const body = isText ? reply.text! : JSON.stringify(reply.json);
  const headers: Record<string, string> = {
    'Content-Type': isText ? 'text/plain' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    'Content-Length': String(Buffer.byteLength(body)),
  };
  if (status === 429 || status === 503) headers['Retry-After'] = '1';
  res.writeHead(status, headers).end(body);
}
