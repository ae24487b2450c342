/** Route table plumbing: path templates, the per-request context handlers get, and Status replies for errors. */
import type { Controllers } from './controller.js';
import { ApiError, badRequest, notAllowed, pathNotFound } from './status.js';
import type { RequestInfo } from './status.js';
import type { ObjectStore } from './store.js';
import type { Mutation } from './types.js';

export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
}

export interface Ctx {
  method: string;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  contentType?: string;
  dryRun: boolean;
  store: ObjectStore;
  controllers: Controllers;
  /** Records a mutating request that passed validation (dry-run or not). */
  record(m: Omit<Mutation, 'at' | 'path' | 'dryRun'>): void;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. '/api/v1/namespaces/:namespace/pods/:name' */
  path: string;
  verb: string;
  resource: string;
  group: string;
  subresource?: string;
  handle(ctx: Ctx): Reply;
}

/** Shorthand for a route; `rbac` reads like an RBAC rule: 'get pods/log', 'patch deployments/scale'. */
export function route(
  method: Route['method'],
  path: string,
  rbac: string,
  group: string,
  handle: Route['handle'],
): Route {
  const [verb, full = ''] = rbac.split(' ');
  const [resource, subresource] = full.split('/');
  return { method, path, verb, resource, subresource, group, handle };
}

interface Compiled {
  route: Route;
  regex: RegExp;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
  info: RequestInfo;
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, regex: compile(route.path) }));
  }

  /** The route for a request; 405 when the path exists under another method, 404 when it does not exist. */
  match(method: string, pathname: string): Match {
    let pathExists = false;
    for (const { route, regex } of this.compiled) {
      const m = regex.exec(pathname);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      const info: RequestInfo = {
        verb: route.verb,
        resource: route.resource,
        subresource: route.subresource,
        group: route.group,
        name: params.name,
        namespace: params.namespace,
      };
      return { route, params, info };
    }
    throw pathExists ? notAllowed() : pathNotFound();
  }
}

/** A best-effort RBAC description of any path, for injected failures on paths no route serves. */
export function describePath(method: string, pathname: string): RequestInfo {
  const parts = pathname.split('/').filter(Boolean);
  const core = parts[0] === 'api';
  const group = core ? '' : (parts[1] ?? '');
  let rest = parts.slice(core ? 2 : 3);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = 'unknown', name, subresource] = rest;
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  const verb = verbs[method] ?? (name ? 'get' : 'list');
  return { verb, resource, subresource, group, name, namespace };
}

/** `dryRun=All` is the only value the apiserver accepts. */
export function parseDryRun(url: URL): boolean {
  const values = url.searchParams.getAll('dryRun');
  const bad = values.find((v) => v !== 'All');
  if (bad !== undefined) throw badRequest(`Invalid dryRun value: ${bad}`);
  return values.length > 0;
}

export function parseBody(raw: string): unknown {
  if (!raw.trim()) return undefined;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function errorReply(e: unknown): Reply {
  const err = e instanceof ApiError ? e : new ApiError(500, `Internal error occurred: ${(e as Error)?.message}`, {});
  return { status: err.code, json: err.toStatus() };
}

function compile(template: string): RegExp {
  const source = template.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, '(?<$1>[^/]+)');
  return new RegExp(`^${source}/?$`);
}
