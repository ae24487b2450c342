import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, VersionApi } from '@kubernetes/client-node';
import { DEMO_POD, demoWorld } from '../../../sandbox/kubernetes/demo-world.js';
import { apiError, startCluster } from './cluster.js';
import type { Cluster } from './cluster.js';

const ns = 'shop';

describe('injected failures', () => {
  let c: Cluster;
  beforeEach(async () => {
    c = await startCluster({ world: demoWorld() });
  });
  afterEach(() => c.close());

  test('a 403 surfaces as an ApiException carrying the RBAC Forbidden Status, and is used up once', async () => {
    c.server.failNext({ method: 'DELETE', pathIncludes: '/pods/' }, 403);
    const err = await apiError(c.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns }));
    expect(err.code).toBe(403);
    expect(err.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        `pods "${DEMO_POD}" is forbidden: User "lookout-sandbox" ` +
        'cannot delete resource "pods" in API group "" in the namespace "shop"',
    });
    expect(c.server.get('Pod', ns, DEMO_POD)).toBeDefined();
    expect(c.server.mutations).toEqual([]);
    await c.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns });
    expect(c.server.mutations).toHaveLength(1);
  });

  test('a subresource 403 names it; 503 twice then success', async () => {
    c.server.failNext({ pathIncludes: '/scale' }, 403);
    const forbidden = await apiError(c.apps.readNamespacedDeploymentScale({ name: 'cart', namespace: ns }));
    expect(forbidden.status.message).toBe(
      'deployments.apps "cart" is forbidden: User "lookout-sandbox" ' +
        'cannot get resource "deployments/scale" in API group "apps" in the namespace "shop"',
    );
    c.server.failNext({ method: 'PATCH' }, 503, 2);
    const patch = () =>
      c.apps.patchNamespacedDeploymentScale(
        { name: 'cart', namespace: ns, body: { spec: { replicas: 2 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    expect((await apiError(patch())).status.reason).toBe('ServiceUnavailable');
    expect((await apiError(patch())).code).toBe(503);
    expect((await patch()).spec?.replicas).toBe(2);
    expect(c.server.mutations).toHaveLength(1);
  });

  test('metrics: served per pod, 404 for a pod without metrics, 500 when injected', async () => {
    const list = await c.metrics.getPodMetrics(ns);
    expect(list.items.map((m) => m.metadata.name)).toEqual([DEMO_POD]);
    const podMetrics = { group: 'metrics.k8s.io', version: 'v1beta1', namespace: ns, plural: 'pods' };
    const one = await c.custom.getNamespacedCustomObject({ ...podMetrics, name: DEMO_POD });
    const containers = [{ name: 'cart', usage: { cpu: '1m', memory: '9Mi' } }];
    expect(one).toMatchObject({ kind: 'PodMetrics', containers });
    const missing = await apiError(c.custom.getNamespacedCustomObject({ ...podMetrics, name: 'nope' }));
    expect(missing.status.message).toBe('podmetrics.metrics.k8s.io "shop/nope" not found');
    c.server.failNext({ pathIncludes: 'metrics.k8s.io' }, 500);
    await expect(c.metrics.getPodMetrics(ns)).rejects.toMatchObject({ code: 500 });
  });

  test('paths the server does not serve are a 404 Status', async () => {
    const applications = { group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications' };
    const err = await apiError(c.custom.listNamespacedCustomObject(applications));
    expect(err.code).toBe(404);
    const message = 'the server could not find the requested resource';
    expect(err.status).toMatchObject({ reason: 'NotFound', message });
    const path = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
    expect(c.server.requests.at(-1)).toEqual({ method: 'GET', path, at: expect.any(Number) });
  });
});

describe('authentication', () => {
  test('the written kubeconfig carries the token; any other token is 401', async () => {
    const c = await startCluster({ world: demoWorld(), token: 's3cret-token' });
    try {
      const version = await c.kc.makeApiClient(VersionApi).getCode();
      expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
      expect((await c.core.listNamespacedPod({ namespace: ns })).items).toHaveLength(1);

      const yaml = c.server.kubeconfig();
      expect(yaml).toContain('insecure-skip-tls-verify: true');
      expect(yaml).toContain('current-context: lookout-sandbox');
      const forged = new KubeConfig();
      forged.loadFromString(yaml.replace('s3cret-token', 'wrong'));
      const err = await apiError(forged.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns }));
      expect(err.code).toBe(401); // the generated client drops the body of a 401, so only the code is visible
      expect(c.server.mutations).toEqual([]);
    } finally {
      await c.close();
    }
  });
});

test('writeKubeconfig names cluster, context and user lookout-sandbox and points at the server url', async () => {
  const c = await startCluster({ token: 't0ken' });
  const dir = mkdtempSync(join(tmpdir(), 'lookout-kc-'));
  try {
    const file = join(dir, 'config');
    c.server.writeKubeconfig(file);
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    expect(kc.getCurrentContext()).toBe('lookout-sandbox');
    const cluster = kc.getCurrentCluster();
    expect(cluster).toMatchObject({ name: 'lookout-sandbox', server: c.server.url, skipTLSVerify: true });
    expect(kc.getCurrentUser()).toMatchObject({ name: 'lookout-sandbox', token: 't0ken' });
    expect(c.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(file, 'utf8')).toContain('insecure-skip-tls-verify: true');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await c.close();
  }
});
