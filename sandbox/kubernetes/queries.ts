/** Reads shared by every resource: a single object or a selector-filtered list, shaped like the apiserver's. */
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, notFound } from './status.js';
import type { Resource } from './status.js';
import { asList, asObject } from './store.js';
import type { Ctx, Reply } from './router.js';
import type { Kind, KubeObject } from './types.js';

/** The stored object, or the apiserver's 404 Status for it. */
export function mustGet(ctx: Ctx, kind: Kind, r: Resource): KubeObject {
  const { namespace, name } = ctx.params;
  const obj = ctx.store.get(kind, namespace, name);
  if (!obj) throw notFound(r, name);
  return obj;
}

export function getReply(ctx: Ctx, kind: Kind, r: Resource): Reply {
  return { json: asObject(kind, mustGet(ctx, kind, r)) };
}

/**
 * A List honouring labelSelector and fieldSelector, in one namespace or (without :namespace) all of them, paged by
 * `limit` and `continue` as the apiserver does: a cut list carries `metadata.continue` and `remainingItemCount`.
 */
export function listReply(ctx: Ctx, kind: Kind): Reply {
  const items = selected(ctx, kind, ctx.store.list(kind, ctx.params.namespace));
  const q = ctx.url.searchParams;
  const start = q.has('continue') ? continueStart(q.get('continue')!) : 0;
  const limit = Number(q.get('limit') ?? 0);
  const end = Number.isInteger(limit) && limit > 0 ? start + limit : items.length;
  const list = asList(kind, items.slice(start, end), ctx.store.resourceVersion);
  if (end < items.length) {
    const token = { v: 'meta.k8s.io/v1', rv: Number(ctx.store.resourceVersion), start: end };
    list.metadata.continue = Buffer.from(JSON.stringify(token)).toString('base64url');
    list.metadata.remainingItemCount = items.length - end;
  }
  return { json: list };
}

function continueStart(token: string): number {
  try {
    const start = JSON.parse(Buffer.from(token, 'base64url').toString()).start;
    if (Number.isInteger(start) && start >= 0) return start;
  } catch {
    // reported below, in the apiserver's words
  }
  throw badRequest(`continue key is not valid: invalid continue token`);
}

export function selected(ctx: Ctx, kind: Kind, items: KubeObject[]): KubeObject[] {
  const labels = parseLabelSelector(ctx.url.searchParams.get('labelSelector'));
  const fields = parseFieldSelector(kind, ctx.url.searchParams.get('fieldSelector'));
  return items.filter((o) => matchesLabels(labels, o.metadata?.labels) && matchesFields(fields, o));
}

/** A request body that must be a JSON object (DeleteOptions, a full object for PUT/POST). */
export function objectBody(ctx: Ctx, expected: string): KubeObject | undefined {
  const b = ctx.body;
  if (b === undefined) return undefined;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    const type = Array.isArray(b) ? 'array' : typeof b;
    throw badRequest(`json: cannot unmarshal ${type} into Go value of type ${expected}`);
  }
  return b as KubeObject;
}

/** A PUT/POST body must name the same object as the URL. */
export function checkBodyName(body: KubeObject, ctx: Ctx): void {
  const { namespace, name } = ctx.params;
  if (name && body.metadata?.name && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (body.metadata?.namespace && body.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}
