/** core/v1 routes: pods (read, list, delete, create), pod logs, events, namespaces and nodes (read, list). */
import { createHash } from 'node:crypto';
import { isoTime, randomSuffix } from './names.js';
import { checkBodyName, getReply, listReply, mustGet, objectBody } from './queries.js';
import { route } from './router.js';
import type { Ctx, Reply, Route } from './router.js';
import { alreadyExists, badRequest, conflict, EVENTS, NAMESPACES, NODES, notFound, PODS } from './status.js';
import { asObject } from './store.js';
import type { Kind, KubeObject } from './types.js';

const NS = '/api/v1/namespaces/:namespace';
const r = (method: Route['method'], path: string, rbac: string, handle: Route['handle']) =>
  route(method, path, rbac, '', handle);

export const coreRoutes: Route[] = [
  r('GET', `${NS}/pods`, 'list pods', (c) => listReply(c, 'Pod')),
  r('GET', '/api/v1/pods', 'list pods', (c) => listReply(c, 'Pod')),
  r('POST', `${NS}/pods`, 'create pods', (c) => create(c, 'Pod')),
  r('GET', `${NS}/pods/:name`, 'get pods', (c) => getReply(c, 'Pod', PODS)),
  r('DELETE', `${NS}/pods/:name`, 'delete pods', deletePod),
  r('GET', `${NS}/pods/:name/log`, 'get pods/log', podLog),
  r('GET', `${NS}/events`, 'list events', (c) => listReply(c, 'Event')),
  r('GET', '/api/v1/events', 'list events', (c) => listReply(c, 'Event')),
  r('POST', `${NS}/events`, 'create events', (c) => create(c, 'Event')),
  r('GET', `${NS}/events/:name`, 'get events', (c) => getReply(c, 'Event', EVENTS)),
  r('GET', '/api/v1/namespaces', 'list namespaces', listNamespaces),
  r('GET', '/api/v1/namespaces/:name', 'get namespaces', getNamespace),
  r('GET', '/api/v1/nodes', 'list nodes', (c) => listReply(c, 'Node')),
  r('GET', '/api/v1/nodes/:name', 'get nodes', (c) => getReply(c, 'Node', NODES)),
];

/** Deletes like the apiserver: DeleteOptions preconditions, dryRun, and the deleted object (deletion stamped) back. */
function deletePod(ctx: Ctx): Reply {
  const { namespace, name } = ctx.params;
  const pod = mustGet(ctx, 'Pod', PODS);
  const opts = objectBody(ctx, 'v1.DeleteOptions');
  const pre = opts?.preconditions ?? {};
  // etcd3's conditional delete wraps a failed precondition in a StorageError, and the apiserver reports it as Conflict.
  const storageError = (what: string, want: string, have: string) => {
    const key = `Key: /registry/pods/${namespace}/${name}, ResourceVersion: 0`;
    const failed = `Precondition failed: ${what} in precondition: ${want}, ${what} in object meta: ${have}`;
    return conflict(PODS, name, `StorageError: invalid object, Code: 4, ${key}, AdditionalErrorMsg: ${failed}`);
  };
  if (pre.uid && pre.uid !== pod.metadata.uid) throw storageError('UID', pre.uid, pod.metadata.uid);
  if (pre.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
    throw storageError('ResourceVersion', pre.resourceVersion, pod.metadata.resourceVersion);
  }
  ctx.record({ verb: 'delete', kind: 'Pod', namespace, name, body: ctx.body });
  const query = ctx.url.searchParams.get('gracePeriodSeconds');
  const grace = Number(opts?.gracePeriodSeconds ?? query ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
  const out = asObject('Pod', pod);
  out.metadata.deletionTimestamp = isoTime(Date.now() + grace * 1000);
  out.metadata.deletionGracePeriodSeconds = grace;
  if (!ctx.dryRun) {
    ctx.store.remove('Pod', namespace, name);
    ctx.controllers.podDeleted(pod);
  }
  return { json: out };
}

/** Pod logs from the world's `logs` map; a key the world lacks reads as empty, as CONTRACT section 5 says. */
function podLog(ctx: Ctx): Reply {
  const { namespace, name } = ctx.params;
  const pod = mustGet(ctx, 'Pod', PODS);
  const q = ctx.url.searchParams;
  const names = (list: KubeObject[] | undefined) => (list ?? []).map((c) => String(c.name));
  const containers = names(pod.spec?.containers);
  const inits = names(pod.spec?.initContainers);
  let container = q.get('container') ?? '';
  if (!container) {
    if (containers.length !== 1) {
      let msg = `a container name must be specified for pod ${name}`;
      if (containers.length) msg += `, choose one of: [${containers.join(' ')}]`;
      if (containers.length && inits.length) msg += ` or one of the init containers: [${inits.join(' ')}]`;
      throw badRequest(msg);
    }
    container = containers[0];
  } else if (![...containers, ...inits, ...names(pod.spec?.ephemeralContainers)].includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const previous = q.get('previous') === 'true';
  const key = `${namespace}/${name}/${container}${previous ? '#previous' : ''}`;
  let text = ctx.store.logs.get(key);
  if (text === undefined && previous) {
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  text ??= '';
  const tail = q.get('tailLines');
  if (tail !== null && Number(tail) >= 0) text = tailLines(text, Number(tail));
  const limit = q.get('limitBytes');
  if (limit !== null && Number(limit) > 0) text = Buffer.from(text).subarray(0, Number(limit)).toString();
  return { text };
}

function tailLines(text: string, n: number): string {
  if (n === 0) return '';
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  return lines.slice(-n).join('\n') + (trailing ? '\n' : '');
}

function create(ctx: Ctx, kind: Kind): Reply {
  const body = objectBody(ctx, `v1.${kind}`);
  if (!body) throw badRequest('the body of the request was empty');
  checkBodyName(body, ctx);
  const obj = structuredClone(body);
  obj.metadata = { ...(obj.metadata ?? {}), namespace: ctx.params.namespace };
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix();
  if (!obj.metadata.name) throw badRequest('name or generateName is required');
  const r = kind === 'Pod' ? PODS : EVENTS;
  if (ctx.store.get(kind, ctx.params.namespace, obj.metadata.name)) throw alreadyExists(r, obj.metadata.name);
  ctx.record({ verb: 'create', kind, namespace: ctx.params.namespace, name: obj.metadata.name, body: ctx.body });
  delete obj.metadata.uid;
  delete obj.metadata.resourceVersion;
  delete obj.metadata.creationTimestamp;
  if (ctx.dryRun) return { status: 201, json: { kind, apiVersion: 'v1', ...obj } };
  return { status: 201, json: asObject(kind, ctx.store.put(kind, obj)) };
}

function namespaceObject(name: string): KubeObject {
  const h = createHash('sha256').update(name).digest('hex');
  const uid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return {
    metadata: { name, uid, resourceVersion: '1', labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function listNamespaces(ctx: Ctx): Reply {
  const items = ctx.store.namespaces().map(namespaceObject);
  const metadata = { resourceVersion: ctx.store.resourceVersion };
  return { json: { kind: 'NamespaceList', apiVersion: 'v1', metadata, items } };
}

function getNamespace(ctx: Ctx): Reply {
  const { name } = ctx.params;
  if (!ctx.store.namespaces().includes(name)) throw notFound(NAMESPACES, name);
  return { json: { kind: 'Namespace', apiVersion: 'v1', ...namespaceObject(name) } };
}
