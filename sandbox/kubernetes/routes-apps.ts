/** apps/v1 routes: Deployments (read, patch, replace, create, scale subresource) and ReplicaSets (read). */
import { bumpGeneration, templateChanged } from './controller.js';
import { applyPatch } from './patch.js';
import { checkBodyName, getReply, listReply, mustGet, objectBody } from './queries.js';
import { route } from './router.js';
import type { Ctx, Reply, Route } from './router.js';
import { selectorString } from './selectors.js';
import { alreadyExists, badRequest, DEPLOYMENTS, invalid, REPLICASETS, stale } from './status.js';
import { asObject } from './store.js';
import type { KubeObject, MutationVerb } from './types.js';
import { validateDeployment } from './validate.js';

const NS = '/apis/apps/v1/namespaces/:namespace';
const r = (method: Route['method'], path: string, rbac: string, handle: Route['handle']) =>
  route(method, path, rbac, 'apps', handle);
const readScale = (c: Ctx): Reply => ({ json: scaleOf(mustGet(c, 'Deployment', DEPLOYMENTS)) });

export const appsRoutes: Route[] = [
  r('GET', `${NS}/deployments`, 'list deployments', (c) => listReply(c, 'Deployment')),
  r('GET', '/apis/apps/v1/deployments', 'list deployments', (c) => listReply(c, 'Deployment')),
  r('POST', `${NS}/deployments`, 'create deployments', createDeployment),
  r('GET', `${NS}/deployments/:name`, 'get deployments', (c) => getReply(c, 'Deployment', DEPLOYMENTS)),
  r('PATCH', `${NS}/deployments/:name`, 'patch deployments', patchDeployment),
  r('PUT', `${NS}/deployments/:name`, 'update deployments', replaceDeployment),
  r('GET', `${NS}/deployments/:name/scale`, 'get deployments/scale', readScale),
  r('PATCH', `${NS}/deployments/:name/scale`, 'patch deployments/scale', patchScale),
  r('PUT', `${NS}/deployments/:name/scale`, 'update deployments/scale', replaceScale),
  r('GET', `${NS}/replicasets`, 'list replicasets', (c) => listReply(c, 'ReplicaSet')),
  r('GET', '/apis/apps/v1/replicasets', 'list replicasets', (c) => listReply(c, 'ReplicaSet')),
  r('GET', `${NS}/replicasets/:name`, 'get replicasets', (c) => getReply(c, 'ReplicaSet', REPLICASETS)),
];

function patchDeployment(ctx: Ctx): Reply {
  const before = mustGet(ctx, 'Deployment', DEPLOYMENTS);
  if (ctx.body === undefined) throw badRequest('the body of the request was empty');
  return { json: write(ctx, before, applyPatch(ctx.contentType, before, ctx.body), 'patch') };
}

function replaceDeployment(ctx: Ctx): Reply {
  const before = mustGet(ctx, 'Deployment', DEPLOYMENTS);
  const body = objectBody(ctx, 'v1.Deployment');
  if (!body) throw badRequest('the body of the request was empty');
  checkBodyName(body, ctx);
  return { json: write(ctx, before, structuredClone(body), 'update') };
}

function createDeployment(ctx: Ctx): Reply {
  const body = objectBody(ctx, 'v1.Deployment');
  if (!body?.metadata?.name) throw badRequest('name or generateName is required');
  checkBodyName(body, ctx);
  const { namespace } = ctx.params;
  const name = body.metadata.name;
  if (ctx.store.get('Deployment', namespace, name)) throw alreadyExists(DEPLOYMENTS, name);
  const d = structuredClone(body);
  d.metadata = { ...d.metadata, namespace, generation: 1 };
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp']) delete d.metadata[k];
  delete d.status;
  validateDeployment(d);
  ctx.record({ verb: 'create', kind: 'Deployment', namespace, name, body: ctx.body });
  if (ctx.dryRun) return { status: 201, json: { kind: 'Deployment', apiVersion: 'apps/v1', ...d } };
  const stored = ctx.store.put('Deployment', d);
  const reply = asObject('Deployment', stored);
  ctx.controllers.deploymentChanged(stored, true);
  return { status: 201, json: reply };
}

function patchScale(ctx: Ctx): Reply {
  const d = mustGet(ctx, 'Deployment', DEPLOYMENTS);
  if (ctx.body === undefined) throw badRequest('the body of the request was empty');
  const patched = applyPatch(ctx.contentType, scaleOf(d), ctx.body);
  return { json: scaleOf(setReplicas(ctx, d, patched, 'patch')) };
}

function replaceScale(ctx: Ctx): Reply {
  const d = mustGet(ctx, 'Deployment', DEPLOYMENTS);
  const body = objectBody(ctx, 'v1.Scale');
  if (!body) throw badRequest('the body of the request was empty');
  checkBodyName(body, ctx);
  return { json: scaleOf(setReplicas(ctx, d, body, 'update')) };
}

/** The autoscaling/v1 Scale view of a Deployment. */
function scaleOf(d: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = d.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: d.spec?.replicas ?? 1 },
    status: { replicas: d.status?.replicas ?? 0, selector: selectorString(d.spec?.selector) },
  };
}

function setReplicas(ctx: Ctx, d: KubeObject, scale: KubeObject, verb: MutationVerb): KubeObject {
  const replicas = scale.spec?.replicas ?? 0;
  if (!Number.isInteger(replicas) || replicas < 0) {
    const detail = `Invalid value: ${replicas}: must be greater than or equal to 0`;
    throw invalid('Scale', { resource: 'deployments', group: 'autoscaling' }, d.metadata.name, 'spec.replicas', detail);
  }
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== d.metadata.resourceVersion) throw stale(DEPLOYMENTS, d.metadata.name);
  const after = structuredClone(d);
  after.spec = { ...after.spec, replicas };
  return write(ctx, d, after, verb);
}

/**
 * Stores a new version of a Deployment the way the apiserver would: identity and status are kept from the stored
 * object, a stale resourceVersion is a Conflict, and a spec change bumps generation and wakes the controller.
 * Returns the object as written (the controller's follow-up changes land after the reply, as in a real cluster).
 */
function write(ctx: Ctx, before: KubeObject, after: KubeObject, verb: MutationVerb): KubeObject {
  const { namespace, name } = ctx.params;
  const rv = after.metadata?.resourceVersion;
  if (rv && rv !== before.metadata.resourceVersion) throw stale(DEPLOYMENTS, name);
  const { uid, creationTimestamp, generation } = before.metadata;
  after.metadata = { ...(after.metadata ?? {}), name, namespace, uid, creationTimestamp, generation };
  after.status = structuredClone(before.status);
  validateDeployment(after, before);
  bumpGeneration(before, after);
  const rolled = templateChanged(before, after);
  ctx.record({ verb, kind: 'Deployment', namespace, name, body: ctx.body });
  if (ctx.dryRun) return asObject('Deployment', after);
  const stored = ctx.store.put('Deployment', after);
  const reply = asObject('Deployment', stored);
  if (stored.metadata.generation !== (generation ?? 1)) ctx.controllers.deploymentChanged(stored, rolled);
  return reply;
}
