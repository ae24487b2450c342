import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { DEMO_POD, demoWorld } from '../../../sandbox/kubernetes/demo-world.js';
import { apiError, startCluster } from './cluster.js';
import type { Cluster } from './cluster.js';

const ns = 'shop';
const name = 'cart';
const REVISION = 'deployment.kubernetes.io/revision';
const as = (type: string) => setHeaderOptions('Content-Type', type);

let c: Cluster;
beforeEach(async () => {
  c = await startCluster({ world: demoWorld() });
});
afterEach(() => c.close());

const memoryLimit = (memory: string) => ({
  spec: { template: { spec: { containers: [{ name: 'cart', resources: { limits: { memory } } }] } } },
});
const patch = (body: object, type: string) => c.apps.patchNamespacedDeployment({ name, namespace: ns, body }, as(type));

const cartPods = async () => (await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=cart' })).items;

test('a strategic-merge patch of one container memory limit merges by name and rolls the pods', async () => {
  const body = memoryLimit('512Mi');
  const patched = await patch(body, PatchStrategy.StrategicMergePatch);
  const container = patched.spec!.template.spec!.containers[0];
  expect(container.image).toBe('ghcr.io/acme/cart:1.8.2');
  expect(container.resources).toEqual({
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
  });
  expect(container.env?.map((e) => e.name)).toEqual(['REDIS_ADDR', 'CACHE_REQUIRED']);
  expect(patched.metadata?.generation).toBe(6);

  const d = await c.apps.readNamespacedDeployment({ name, namespace: ns });
  expect(d.metadata?.annotations?.[REVISION]).toBe('4');
  expect(d.status).toMatchObject({ observedGeneration: 6, replicas: 1, readyReplicas: 1, availableReplicas: 1 });
  const rs = await c.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=cart' });
  const current = rs.items.find((r) => r.metadata?.annotations?.[REVISION] === '4')!;
  expect(current.spec?.replicas).toBe(1);
  expect(current.spec?.template?.spec?.containers[0].resources?.limits?.memory).toBe('512Mi');
  expect(rs.items.find((r) => r.metadata?.name === 'cart-7d9f8b6c5')?.spec?.replicas).toBe(0);

  const pods = await cartPods();
  expect(pods).toHaveLength(1);
  expect(pods[0].metadata?.name).not.toBe(DEMO_POD);
  expect(pods[0].metadata?.ownerReferences?.[0].name).toBe(current.metadata?.name);
  expect(pods[0].spec?.containers[0].resources?.limits?.memory).toBe('512Mi');
  expect(pods[0].status?.phase).toBe('Running');
  expect(c.server.mutations).toEqual([
    expect.objectContaining({ verb: 'patch', kind: 'Deployment', name, body, dryRun: false }),
  ]);
});

test('rollout restart is a strategic-merge patch of the template annotation', async () => {
  const at = new Date().toISOString();
  const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } };
  await patch(body, PatchStrategy.StrategicMergePatch);
  const [pod] = await cartPods();
  expect(pod.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(at);
  expect(pod.metadata?.labels?.app).toBe('cart');
  const fieldSelector = 'involvedObject.kind=Deployment,reason=ScalingReplicaSet';
  const scaled = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector });
  expect(scaled.items.map((e) => e.message)).toEqual([
    'Scaled down replica set cart-7d9f8b6c5 from 1 to 0',
    `Scaled up replica set ${pod.metadata?.ownerReferences?.[0].name} from 0 to 1`,
  ]);
});

test('merge patch replaces lists wholesale, so dropping the image is refused with 422 Invalid', async () => {
  const err = await apiError(patch(memoryLimit('512Mi'), PatchStrategy.MergePatch));
  expect(err.code).toBe(422);
  expect(err.status).toMatchObject({
    reason: 'Invalid',
    message: 'Deployment.apps "cart" is invalid: spec.template.spec.containers[0].image: Required value',
  });
  expect(c.server.mutations).toEqual([]);
});

test('requests above limits are refused like the apiserver does', async () => {
  const body = [{ op: 'replace', path: '/spec/template/spec/containers/0/resources/requests/memory', value: '1Gi' }];
  const err = await apiError(patch(body, PatchStrategy.JsonPatch));
  expect(err.code).toBe(422);
  expect(err.status.message).toBe(
    'Deployment.apps "cart" is invalid: spec.template.spec.containers[0].resources.requests: ' +
      'Invalid value: "1Gi": must be less than or equal to memory limit of 256Mi',
  );
});

test('json patch of replicas scales without a rollout', async () => {
  const body = [
    { op: 'test', path: '/spec/replicas', value: 1 },
    { op: 'replace', path: '/spec/replicas', value: 3 },
  ];
  await patch(body, PatchStrategy.JsonPatch);
  const pods = await cartPods();
  expect(pods).toHaveLength(3);
  expect(pods.map((p) => p.metadata?.ownerReferences?.[0].name)).toEqual(Array(3).fill('cart-7d9f8b6c5'));
  expect(pods.some((p) => p.metadata?.name === DEMO_POD)).toBe(true);
  const d = await c.apps.readNamespacedDeployment({ name, namespace: ns });
  expect(d.metadata?.annotations?.[REVISION]).toBe('3');
});

test('the scale subresource: read, patch, replace', async () => {
  const scale = await c.apps.readNamespacedDeploymentScale({ name, namespace: ns });
  expect(scale).toMatchObject({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    spec: { replicas: 1 },
    status: { replicas: 1, selector: 'app=cart' },
  });

  const up = await c.apps.patchNamespacedDeploymentScale(
    { name, namespace: ns, body: { spec: { replicas: 3 } } },
    as(PatchStrategy.MergePatch),
  );
  expect(up.spec?.replicas).toBe(3);
  expect(await cartPods()).toHaveLength(3);

  const down = await c.apps.replaceNamespacedDeploymentScale({
    name,
    namespace: ns,
    body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: ns }, spec: { replicas: 1 } },
  });
  expect(down.spec?.replicas).toBe(1);
  const left = await cartPods();
  expect(left).toHaveLength(1);
  expect(left[0].metadata?.name).not.toBe(DEMO_POD); // the unready pod goes first

  const stale = await apiError(
    c.apps.replaceNamespacedDeploymentScale({
      name,
      namespace: ns,
      body: { metadata: { name, resourceVersion: '1' }, spec: { replicas: 2 } },
    }),
  );
  expect(stale.code).toBe(409);
  expect(c.server.mutations.map((m) => `${m.verb} ${m.path}`)).toEqual([
    'patch /apis/apps/v1/namespaces/shop/deployments/cart/scale',
    'update /apis/apps/v1/namespaces/shop/deployments/cart/scale',
  ]);
});

test('dryRun=All patch returns the result but changes nothing', async () => {
  const before = c.server.get('Deployment', ns, name);
  const body = memoryLimit('1Gi');
  const res = await c.apps.patchNamespacedDeployment(
    { name, namespace: ns, body, dryRun: 'All' },
    as(PatchStrategy.StrategicMergePatch),
  );
  expect(res.spec?.template.spec?.containers[0].resources?.limits?.memory).toBe('1Gi');
  expect(c.server.get('Deployment', ns, name)).toEqual(before);
  expect((await cartPods()).map((p) => p.metadata?.name)).toEqual([DEMO_POD]);
  expect(c.server.list('ReplicaSet', ns)).toHaveLength(2);
  expect(c.server.mutations).toEqual([expect.objectContaining({ verb: 'patch', dryRun: true })]);
});

test('rollout undo: patching back to the previous template reuses its ReplicaSet with a new revision', async () => {
  const previous = c.server.get('ReplicaSet', ns, 'cart-6b8d5f7c9')!;
  const template = structuredClone(previous.spec.template);
  delete template.metadata.labels['pod-template-hash'];
  const body = [{ op: 'replace', path: '/spec/template', value: template }];
  await patch(body, PatchStrategy.JsonPatch);
  const rs = c.server.get('ReplicaSet', ns, 'cart-6b8d5f7c9')!;
  expect(rs.spec.replicas).toBe(1);
  expect(rs.metadata.annotations[REVISION]).toBe('4');
  expect(c.server.list('ReplicaSet', ns)).toHaveLength(2);
  const [pod] = await cartPods();
  expect(pod.spec?.containers[0].image).toBe('ghcr.io/acme/cart:1.8.1');
});

test('unknown deployments, a selector change and an unknown patch type fail like the apiserver', async () => {
  const missing = await apiError(c.apps.readNamespacedDeployment({ name: 'nope', namespace: ns }));
  expect(missing.status).toMatchObject({
    code: 404,
    message: 'deployments.apps "nope" not found',
    details: { group: 'apps', kind: 'deployments' },
  });
  const newSelector = { spec: { selector: { matchLabels: { app: 'x' } } } };
  const selector = await apiError(patch(newSelector, PatchStrategy.StrategicMergePatch));
  expect(selector.code).toBe(422);
  expect(selector.status.message).toContain('spec.selector: Invalid value');
  const unsupported = await apiError(patch({ a: 1 }, 'application/yaml'));
  expect(unsupported.code).toBe(415);
  const wrongShape = await apiError(patch({ spec: {} }, PatchStrategy.JsonPatch));
  expect(wrongShape.code).toBe(400);
});

describe('a scenario file that holds a Deployment and its pod but no ReplicaSet', () => {
  function scenario() {
    const world = demoWorld();
    delete world.replicaSets;
    for (const p of world.pods!) delete p.metadata.uid;
    return world;
  }

  test('scaling adopts the pods\' ReplicaSet instead of rolling them', async () => {
    const s = await startCluster({ world: scenario() });
    try {
      await s.apps.patchNamespacedDeploymentScale(
        { name, namespace: ns, body: { spec: { replicas: 2 } } },
        as(PatchStrategy.MergePatch),
      );
      const owners = s.server.list('Pod', ns).map((p) => p.metadata.ownerReferences[0].name);
      expect(owners).toEqual(['cart-7d9f8b6c5', 'cart-7d9f8b6c5']);
      expect(s.server.get('Pod', ns, DEMO_POD)?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.server.get('ReplicaSet', ns, 'cart-7d9f8b6c5')?.spec.replicas).toBe(2);
    } finally {
      await s.close();
    }
  });

  test('a template change rolls to a new ReplicaSet at the next revision', async () => {
    const s = await startCluster({ world: scenario() });
    try {
      const restartedAt = { 'kubectl.kubernetes.io/restartedAt': 'now' };
      const body = { spec: { template: { metadata: { annotations: restartedAt } } } };
      await s.apps.patchNamespacedDeployment({ name, namespace: ns, body }, as(PatchStrategy.StrategicMergePatch));
      const [rs] = s.server.list('ReplicaSet', ns);
      expect(rs.metadata.annotations[REVISION]).toBe('4');
      const pods = s.server.list('Pod', ns);
      expect(pods.map((p) => p.metadata.ownerReferences[0].name)).toEqual([rs.metadata.name]);
    } finally {
      await s.close();
    }
  });
});
