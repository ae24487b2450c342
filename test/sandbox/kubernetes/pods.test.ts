import { demoWorld, DEMO_POD, DEMO_POD_UID } from '../../../sandbox/kubernetes/demo-world.js';
import type { KubernetesWorld } from '../../../sandbox/kubernetes/server.js';
import { apiError, startCluster } from './cluster.js';
import type { Cluster } from './cluster.js';

const ns = 'shop';

/** A second, two-container pod without an owner, for the log and precondition edge cases. */
function worldWithSidecarPod(): KubernetesWorld {
  const world = demoWorld();
  world.pods!.push({
    metadata: { name: 'worker-0', namespace: ns, uid: 'uid-worker-0', labels: { app: 'worker', tier: 'batch' } },
    spec: {
      nodeName: 'node-b',
      initContainers: [{ name: 'migrate', image: 'busybox' }],
      containers: [
        { name: 'worker', image: 'ghcr.io/acme/worker:2.0.0' },
        { name: 'istio-proxy', image: 'istio/proxyv2:1.22.0' },
      ],
    },
    status: { phase: 'Pending' },
  });
  world.logs!['shop/worker-0/worker'] = 'one\ntwo\nthree\nfour\n';
  return world;
}

describe('reads', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ world: worldWithSidecarPod() });
  });
  afterAll(() => c.close());

  test('list pods by label selector (equality and set-based) and field selector', async () => {
    const names = async (q: { labelSelector?: string; fieldSelector?: string }) =>
      (await c.core.listNamespacedPod({ namespace: ns, ...q })).items.map((p) => p.metadata?.name).sort();
    expect(await names({ labelSelector: 'app=cart' })).toEqual([DEMO_POD]);
    expect(await names({ labelSelector: 'app in (cart,worker)' })).toEqual([DEMO_POD, 'worker-0']);
    expect(await names({ labelSelector: 'app notin (cart),tier' })).toEqual(['worker-0']);
    expect(await names({ labelSelector: '!tier' })).toEqual([DEMO_POD]);
    expect(await names({ labelSelector: 'app!=cart' })).toEqual(['worker-0']);
    expect(await names({ fieldSelector: 'status.phase=Pending' })).toEqual(['worker-0']);
    expect(await names({ fieldSelector: `metadata.name=${DEMO_POD},status.phase!=Pending` })).toEqual([DEMO_POD]);
    const all = await c.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-b' });
    expect(all.items.map((p) => p.metadata?.name)).toEqual(['worker-0']);
    expect(all.kind).toBe('PodList');
  });

  test('unsupported field selectors and unknown pods fail with the apiserver Status', async () => {
    const bad = await apiError(c.core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.bogus=x' }));
    expect(bad.code).toBe(400);
    expect(bad.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest' });
    const missing = await apiError(c.core.readNamespacedPod({ name: 'nope', namespace: ns }));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found', code: 404 });
    expect(missing.status.details).toEqual({ name: 'nope', kind: 'pods' });
  });

  test('logs: current, previous, tailLines, limitBytes', async () => {
    const current = await c.core.readNamespacedPodLog({ name: DEMO_POD, namespace: ns, container: 'cart' });
    expect(current.trimEnd().split('\n').at(-1)).toMatch(/^\t\/src\/cmd\/cart\/main\.go:58/);
    const previous = await c.core.readNamespacedPodLog({ name: DEMO_POD, namespace: ns, previous: true });
    expect(previous).not.toBe(current);
    expect(previous).toContain('"msg":"starting cart service"');
    const worker = { name: 'worker-0', namespace: ns, container: 'worker' };
    const tail = await c.core.readNamespacedPodLog({ ...worker, tailLines: 2 });
    expect(tail).toBe('three\nfour\n');
    const head = await c.core.readNamespacedPodLog({ ...worker, limitBytes: 7 });
    expect(head).toBe('one\ntwo');
    const absent = await c.core.readNamespacedPodLog({ name: 'worker-0', namespace: ns, container: 'istio-proxy' });
    expect(absent).toBe('');
  });

  test('log errors are the BadRequest Statuses the apiserver sends', async () => {
    const choose = await apiError(c.core.readNamespacedPodLog({ name: 'worker-0', namespace: ns }));
    expect(choose.code).toBe(400);
    expect(choose.status.message).toBe(
      'a container name must be specified for pod worker-0, choose one of: [worker istio-proxy] ' +
        'or one of the init containers: [migrate]',
    );
    const worker = { name: 'worker-0', namespace: ns, container: 'worker' };
    const prev = await apiError(c.core.readNamespacedPodLog({ ...worker, previous: true }));
    expect(prev.status).toMatchObject({
      reason: 'BadRequest',
      message: 'previous terminated container "worker" in pod "worker-0" not found',
    });
    const invalid = await apiError(c.core.readNamespacedPodLog({ name: 'worker-0', namespace: ns, container: 'nope' }));
    expect(invalid.status.message).toBe('container nope is not valid for pod worker-0');
  });

  test('events by field selector, namespaced and cluster-wide', async () => {
    const backOff = await c.core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: `involvedObject.name=${DEMO_POD},involvedObject.kind=Pod,reason=BackOff`,
    });
    expect(backOff.items).toHaveLength(1);
    expect(backOff.items[0].count).toBe(231);
    const fieldSelector = `type=Warning,involvedObject.uid=${DEMO_POD_UID}`;
    const warnings = await c.core.listEventForAllNamespaces({ fieldSelector });
    expect(warnings.items.map((e) => e.reason)).toEqual(['BackOff']);
    const none = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.kind=Deployment' });
    expect(none.items).toEqual([]);
    expect(c.server.mutations).toEqual([]);
  });
});

describe('delete', () => {
  let c: Cluster;
  beforeEach(async () => {
    c = await startCluster({ world: worldWithSidecarPod() });
  });
  afterEach(() => c.close());

  const onlyUid = (uid: string) => ({ preconditions: { uid } });

  test('uid precondition: deleted once, replaced by its ReplicaSet, and a retry cannot delete again', async () => {
    const gone = await c.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns, body: onlyUid(DEMO_POD_UID) });
    expect(gone.metadata?.uid).toBe(DEMO_POD_UID);
    expect(gone.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(gone.metadata?.deletionGracePeriodSeconds).toBe(30);

    const pods = (await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=cart' })).items;
    expect(pods).toHaveLength(1);
    const fresh = pods[0];
    expect(fresh.metadata?.name).toMatch(/^cart-7d9f8b6c5-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(fresh.metadata?.name).not.toBe(DEMO_POD);
    expect(fresh.metadata?.uid).not.toBe(DEMO_POD_UID);
    expect(fresh.metadata?.ownerReferences?.[0].name).toBe('cart-7d9f8b6c5');
    expect(fresh.status?.phase).toBe('Running');
    expect(fresh.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    expect(fresh.status?.containerStatuses?.[0]).toMatchObject({ name: 'cart', ready: true, restartCount: 0 });
    expect(fresh.status?.containerStatuses?.[0].state?.running?.startedAt).toBeInstanceOf(Date);

    const body = onlyUid(DEMO_POD_UID);
    const retry = await apiError(c.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns, body }));
    expect(retry.code).toBe(404);
    const wrongUid = await apiError(c.core.deleteNamespacedPod({ name: fresh.metadata!.name!, namespace: ns, body }));
    expect(wrongUid.code).toBe(409);
    expect(wrongUid.status.reason).toBe('Conflict');
    expect(wrongUid.status.message).toMatch(/^Operation cannot be fulfilled on pods "cart-7d9f8b6c5-\w{5}": /);
    expect(wrongUid.status.message).toContain(
      `Precondition failed: UID in precondition: ${DEMO_POD_UID}, UID in object meta: ${fresh.metadata!.uid}`,
    );

    expect(c.server.mutations).toHaveLength(1);
    expect(c.server.mutations[0]).toMatchObject({
      verb: 'delete',
      kind: 'Pod',
      namespace: ns,
      name: DEMO_POD,
      dryRun: false,
      path: `/api/v1/namespaces/shop/pods/${DEMO_POD}`,
    });
    const fieldSelector = `involvedObject.name=${DEMO_POD},reason=Killing`;
    const killing = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector });
    expect(killing.items[0]?.message).toBe('Stopping container cart');
  });

  test('dryRun=All validates and records but changes nothing', async () => {
    const before = c.server.get('Pod', ns, DEMO_POD);
    const res = await c.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns, dryRun: 'All' });
    expect(res.metadata?.name).toBe(DEMO_POD);
    expect(c.server.get('Pod', ns, DEMO_POD)).toEqual(before);
    expect(c.server.list('Pod', ns)).toHaveLength(2);
    expect(c.server.mutations).toEqual([expect.objectContaining({ verb: 'delete', name: DEMO_POD, dryRun: true })]);
    const conflict = await apiError(
      c.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns, dryRun: 'All', body: onlyUid('other') }),
    );
    expect(conflict.code).toBe(409);
    expect(c.server.mutations).toHaveLength(1);
  });

  test('a pod without a controller, or with recreation off, is not replaced', async () => {
    await c.core.deleteNamespacedPod({ name: 'worker-0', namespace: ns });
    expect(c.server.list('Pod', ns).map((p) => p.metadata.name)).toEqual([DEMO_POD]);
    const off = await startCluster({ world: demoWorld(), recreateDeletedPods: false });
    try {
      await off.core.deleteNamespacedPod({ name: DEMO_POD, namespace: ns });
      expect(off.server.list('Pod')).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
