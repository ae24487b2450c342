import { DEMO_NAMESPACE, DEMO_POD, DEMO_POD_UID, demoWorld } from '../../../sandbox/kubernetes/demo-world.js';
import { startCluster } from './cluster.js';
import type { Cluster } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ world: demoWorld() });
});
afterAll(() => c.close());

test('the CrashLoopBackOff pod reads back exactly as the API reports it', async () => {
  const pod = await c.core.readNamespacedPod({ name: DEMO_POD, namespace: DEMO_NAMESPACE });
  expect(pod.kind).toBe('Pod');
  expect(pod.metadata?.uid).toBe(DEMO_POD_UID);
  const owner = pod.metadata?.ownerReferences?.[0];
  expect(owner).toMatchObject({ kind: 'ReplicaSet', name: 'cart-7d9f8b6c5', controller: true });
  expect(pod.status?.phase).toBe('Running');
  const ready = pod.status?.conditions?.find((x) => x.type === 'Ready');
  expect(ready).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
  const cs = pod.status!.containerStatuses![0];
  expect(cs.name).toBe('cart');
  expect(cs.ready).toBe(false);
  expect(cs.restartCount).toBe(14);
  expect(cs.state?.waiting?.reason).toBe('CrashLoopBackOff');
  expect(cs.state?.waiting?.message).toBe(
    `back-off 5m0s restarting failed container=cart pod=${DEMO_POD}_${DEMO_NAMESPACE}(${DEMO_POD_UID})`,
  );
  const last = cs.lastState!.terminated!;
  expect(last.exitCode).toBe(1);
  expect(last.reason).toBe('Error');
  // the client deserialises metav1.Time into Date, so these prove the strings were valid RFC 3339
  expect(last.finishedAt!.getTime()).toBeGreaterThan(last.startedAt!.getTime());
  expect(Date.now() - last.finishedAt!.getTime()).toBeLessThan(10 * 60_000);
  expect(pod.spec?.containers[0].resources?.limits).toEqual({ cpu: '500m', memory: '256Mi' });
});

test('the deployment, its two ReplicaSets and their revisions', async () => {
  const d = await c.apps.readNamespacedDeployment({ name: 'cart', namespace: 'shop' });
  expect(d.spec?.replicas).toBe(1);
  expect(d.spec?.template.spec?.containers[0].image).toBe('ghcr.io/acme/cart:1.8.2');
  expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  expect(d.status?.unavailableReplicas).toBe(1);
  const rs = await c.apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=cart' });
  const byRevision = Object.fromEntries(
    rs.items.map((r) => [r.metadata?.annotations?.['deployment.kubernetes.io/revision'], r]),
  );
  expect(byRevision['3'].metadata?.name).toBe('cart-7d9f8b6c5');
  expect(byRevision['2'].spec?.replicas).toBe(0);
  expect(byRevision['2'].spec?.template?.spec?.containers[0].image).toBe('ghcr.io/acme/cart:1.8.1');
});

test('logs end in the start-up crash, events tell the back-off story, metrics are served', async () => {
  const previous = await c.core.readNamespacedPodLog({ name: DEMO_POD, namespace: 'shop', previous: true });
  expect(previous).toContain('panic: dial tcp 10.0.3.7:6379: connect: connection refused');
  expect(previous).toContain('goroutine 1 [running]:');
  const fieldSelector = `involvedObject.name=${DEMO_POD}`;
  const events = await c.core.listNamespacedEvent({ namespace: 'shop', fieldSelector });
  const reasons = events.items.map((e) => `${e.type}/${e.reason}`).sort();
  expect(reasons).toEqual(['Normal/Created', 'Normal/Pulled', 'Normal/Started', 'Warning/BackOff']);
  const backOff = events.items.find((e) => e.reason === 'BackOff')!;
  expect(backOff.message).toBe(`Back-off restarting failed container cart in pod ${DEMO_POD}_shop(${DEMO_POD_UID})`);
  expect(backOff.involvedObject).toMatchObject({ kind: 'Pod', uid: DEMO_POD_UID, fieldPath: 'spec.containers{cart}' });
  const metrics = await c.metrics.getPodMetrics('shop');
  expect(metrics.items[0].containers).toEqual([{ name: 'cart', usage: { cpu: '1m', memory: '9Mi' } }]);
});
