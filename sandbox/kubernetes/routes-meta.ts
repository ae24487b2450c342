/** Discovery, health and metrics.k8s.io routes. */
import { formatKibibytes, formatNanoCores, parseQuantity } from './quantity.js';
import { selected } from './queries.js';
import { route } from './router.js';
import type { Ctx, Reply, Route } from './router.js';
import { notFound } from './status.js';
import { isoTime } from './names.js';
import type { KubeObject } from './types.js';

const METRICS = '/apis/metrics.k8s.io/v1beta1';
const ok = (): Reply => ({ text: 'ok' });
const json = (body: () => unknown) => (): Reply => ({ json: body() });
const info = (path: string, handle: Route['handle']) => route('GET', path, 'get', '', handle);
const m = (path: string, rbac: string, handle: Route['handle']) => route('GET', path, rbac, 'metrics.k8s.io', handle);

export const metaRoutes: Route[] = [
  info('/healthz', ok),
  info('/livez', ok),
  info('/readyz', ok),
  info('/version', json(version)),
  info('/api', (c) => ({ json: apiVersions(c) })),
  info('/apis', json(groupList)),
  info('/api/v1', json(() => resourceList('v1', CORE))),
  info('/apis/apps/v1', json(() => resourceList('apps/v1', APPS))),
  info(METRICS, json(() => resourceList('metrics.k8s.io/v1beta1', METRIC_RESOURCES))),
  m(`${METRICS}/namespaces/:namespace/pods`, 'list pods', podMetricsList),
  m(`${METRICS}/pods`, 'list pods', podMetricsList),
  m(`${METRICS}/namespaces/:namespace/pods/:name`, 'get pods', podMetrics),
  m(`${METRICS}/nodes`, 'list nodes', json(() => metricsList('NodeMetricsList', []))),
];

function podMetricsList(ctx: Ctx): Reply {
  const pods = selected(ctx, 'Pod', ctx.store.list('Pod', ctx.params.namespace));
  const items = pods.map((p) => usage(ctx, p)).filter((m): m is KubeObject => m !== undefined);
  return { json: metricsList('PodMetricsList', items) };
}

function podMetrics(ctx: Ctx): Reply {
  const { namespace, name } = ctx.params;
  const pod = ctx.store.get('Pod', namespace, name);
  const m = pod && usage(ctx, pod);
  // metrics-server names the missing object namespace/name.
  if (!m) throw notFound({ resource: 'podmetrics', group: 'metrics.k8s.io' }, `${namespace}/${name}`);
  return { json: { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...m } };
}

/** The world's per-pod usage, spread evenly over the pod's containers (passed through as-is for one container). */
function usage(ctx: Ctx, pod: KubeObject): KubeObject | undefined {
  const { namespace, name, labels } = pod.metadata;
  const total = ctx.store.metrics.get(`${namespace}/${name}`);
  if (!total) return undefined;
  const names: string[] = (pod.spec?.containers ?? []).map((c: KubeObject) => c.name);
  const n = names.length || 1;
  const share = (q: string, format: (v: number) => string) => (n === 1 ? q : format((parseQuantity(q) ?? 0) / n));
  const containers = (names.length ? names : [name]).map((c) => ({
    name: c,
    usage: { cpu: share(total.cpu, formatNanoCores), memory: share(total.memory, formatKibibytes) },
  }));
  const metadata: KubeObject = { name, namespace, creationTimestamp: isoTime() };
  if (labels) metadata.labels = { ...labels };
  return { metadata, timestamp: isoTime(Date.now() - 12_000), window: '15s', containers };
}

function metricsList(kind: string, items: KubeObject[]): KubeObject {
  return { kind, apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}

function version(): KubeObject {
  return {
    major: '1',
    minor: '31',
    gitVersion: 'v1.31.4',
    gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T11:38:53Z',
    goVersion: 'go1.22.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function apiVersions(ctx: Ctx): KubeObject {
  const serverAddress = ctx.url.host;
  const serverAddressByClientCIDRs = [{ clientCIDR: '0.0.0.0/0', serverAddress }];
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs };
}

function groupList(): KubeObject {
  const group = (name: string, version: string) => {
    const v = { groupVersion: `${name}/${version}`, version };
    return { name, versions: [v], preferredVersion: v };
  };
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group('apps', 'v1'), group('metrics.k8s.io', 'v1beta1')] };
}

type ResourceRow = [name: string, kind: string, verbs: string[], shortNames?: string[]];

const READ = ['get', 'list'];
const CORE: ResourceRow[] = [
  ['events', 'Event', ['create', ...READ], ['ev']],
  ['namespaces', 'Namespace', READ, ['ns']],
  ['nodes', 'Node', READ, ['no']],
  ['pods', 'Pod', ['create', 'delete', ...READ], ['po']],
  ['pods/log', 'Pod', ['get']],
];
const APPS: ResourceRow[] = [
  ['deployments', 'Deployment', ['create', ...READ, 'patch', 'update'], ['deploy']],
  ['deployments/scale', 'Scale', ['get', 'patch', 'update']],
  ['replicasets', 'ReplicaSet', READ, ['rs']],
];
const METRIC_RESOURCES: ResourceRow[] = [
  ['nodes', 'NodeMetrics', READ],
  ['pods', 'PodMetrics', READ],
];

function resourceList(groupVersion: string, rows: ResourceRow[]): KubeObject {
  const resources = rows.map(([name, kind, verbs, shortNames]) => {
    const singularName = name.includes('/') ? '' : kind.toLowerCase();
    const namespaced = name !== 'namespaces' && name !== 'nodes';
    const r: KubeObject = { name, singularName, namespaced, kind, verbs };
    if (shortNames) r.shortNames = shortNames;
    if (name === 'deployments/scale') Object.assign(r, { group: 'autoscaling', version: 'v1' });
    return r;
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
