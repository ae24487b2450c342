// Builds the scenario JSON files next to this folder: `node test/scenarios/build/build-scenarios.mjs`. Edit here, then rebuild.
import { writeFileSync, mkdirSync } from 'node:fs';
import { alertmanager, container, deployment, replicaSet, pod, event, node, running, waiting, terminated, matrix, vector, uid, t, MIN, HOUR, DAY } from './kube-objects.mjs';
const out = new URL('..', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const scenarios = {};
const add = (name, s) => { scenarios[name] = s; };
const SUFFIX = ['x2k4p', 'q8v7n', 'm4zr9', 'b6tw2', 'h9dfs', 'k3jc8'];
const NODES = ['ip-10-0-12-14.eu-west-1.compute.internal', 'ip-10-0-33-201.eu-west-1.compute.internal', 'ip-10-0-47-9.eu-west-1.compute.internal'];
const healthy = (startAgo = 2 * DAY) => ({ state: running(startAgo), ready: true, restartCount: 0 });

/**
 * A Deployment with its current ReplicaSet (and optionally the previous one) and pods.
 * pods: per pod, one status per container (or a single status), plus optional per-pod overrides.
 */
function app({ ns, name, image, containers, replicas, revision = 4, hash = '7d9f8b6c5', prevHash = '6b8d5f7c9', prevImage, prevReady = 0, rsCreated = 3 * DAY,
  pods: podSpecs, depStatus, conditions, labels = { app: name }, prevContainers }) {
  const cs = containers ?? [container({ name, image, requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' }, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] })];
  const dep = deployment({ ns, name, replicas, containers: cs, revision, labels, status: depStatus, conditions });
  const rss = [replicaSet({ ns, deploy: name, hash, revision, containers: cs, replicas: podSpecs.length - (prevReady ? prevReady : 0), ready: podSpecs.filter((p) => !p.prev && [p.statuses ?? [p]].flat().every((s) => s.ready)).length, created: rsCreated, labels })];
  const pcs = prevContainers ?? (prevImage ? cs.map((c, i) => (i === 0 ? { ...c, image: prevImage } : c)) : undefined);
  if (pcs) rss.push(replicaSet({ ns, deploy: name, hash: prevHash, revision: revision - 1, containers: pcs, replicas: prevReady, ready: prevReady, created: rsCreated + 9 * DAY, labels }));
  const pods = podSpecs.map((p, i) => {
    const h = p.prev ? prevHash : hash;
    return pod({ ns, name: p.name ?? `${name}-${h}-${SUFFIX[i]}`, owner: { kind: 'ReplicaSet', name: `${name}-${h}` }, labels: { ...labels, 'pod-template-hash': h },
      node: p.node ?? NODES[i % 3], containers: p.prev ? pcs : cs, statuses: p.statuses ?? [p], phase: p.phase, created: p.created ?? Math.min(rsCreated, 2 * DAY), scheduled: p.scheduled ?? true, schedMessage: p.schedMessage, volumes: p.volumes });
  });
  return { dep, rss, pods, podNames: pods.map((p) => p.metadata.name) };
}
const kube = (a, extra = {}) => ({ pods: a.pods, deployments: [a.dep], replicaSets: a.rss, ...extra, events: extra.events ?? [], logs: extra.logs ?? {}, metrics: extra.metrics ?? {} });
const backoff = (ns, p, c, count = 40) => event({ ns, name: p, reason: 'BackOff', message: `Back-off restarting failed container ${c} in pod ${p}_${ns}(${uid(`pod/${ns}/${p}`)})`, count, fieldPath: `spec.containers{${c}}` });
const normal = (ns, p, c, image, count = 5) => [
  event({ ns, name: p, reason: 'Pulled', type: 'Normal', message: `Container image "${image}" already present on machine`, count, fieldPath: `spec.containers{${c}}` }),
  event({ ns, name: p, reason: 'Created', type: 'Normal', message: `Created container: ${c}`, count, fieldPath: `spec.containers{${c}}` }),
  event({ ns, name: p, reason: 'Started', type: 'Normal', message: `Started container ${c}`, count, fieldPath: `spec.containers{${c}}` }),
];
const crashLoopAlert = (ns, p, c, extra = {}) => alertmanager({ alertname: 'KubePodCrashLooping', severity: 'warning', labels: { namespace: ns, pod: p, container: c, job: 'kube-state-metrics', service: 'kube-prometheus-stack-kube-state-metrics', uid: uid(`pod/${ns}/${p}`), reason: 'CrashLoopBackOff', ...extra },
  summary: 'Pod is crash looping.', description: `Pod ${ns}/${p} (${c}) is in waiting state (reason: "CrashLoopBackOff").`, expr: 'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",reason="CrashLoopBackOff"}[5m]) >= 1' });
const notReadyAlert = (ns, p) => alertmanager({ alertname: 'KubePodNotReady', labels: { namespace: ns, pod: p, job: 'kube-state-metrics' }, startsAgo: 16 * MIN,
  summary: 'Pod has been in a non-ready state for more than 15 minutes.', description: `Pod ${ns}/${p} has been in a non-ready state for longer than 15 minutes.`,
  expr: 'sum by (namespace, pod, cluster) (max by (namespace, pod, cluster) (kube_pod_status_phase{job="kube-state-metrics",phase=~"Pending|Unknown|Failed"}) * on (namespace, pod, cluster) group_left (owner_kind) topk by (namespace, pod, cluster) (1, max by (namespace, pod, owner_kind, cluster) (kube_pod_owner{owner_kind!="Job"}))) > 0' });

// ---------- CrashLoopBackOff ----------
{
  const a = app({ ns: 'shop', name: 'cart', image: 'ghcr.io/acme/cart:1.8.2', replicas: 2, pods: [
    { state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=cart pod=cart-7d9f8b6c5-x2k4p_shop'), lastState: terminated('Error', 1, 6 * MIN, 6 * MIN - 1800), ready: false, restartCount: 14 },
    healthy(),
  ] });
  const p = a.podNames[0];
  add('crashloop-redis-refused', { alert: { source: 'alertmanager', payload: crashLoopAlert('shop', p, 'cart') }, kubernetes: kube(a, {
    events: [...normal('shop', p, 'cart', 'ghcr.io/acme/cart:1.8.2', 14), backoff('shop', p, 'cart', 231)],
    logs: { [`shop/${p}/cart#previous`]: '{"level":"info","ts":"2026-11-20T14:23:41Z","msg":"starting cart","version":"1.8.2"}\n{"level":"warn","msg":"redis not reachable, retrying","error":"dial tcp 10.0.3.7:6379: connect: connection refused"}\n{"level":"error","msg":"cache unavailable at start-up"}\npanic: dial tcp 10.0.3.7:6379: connect: connection refused\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/cmd/cart/main.go:96 +0x3a5\n',
      [`shop/${p}/cart`]: '{"level":"info","msg":"starting cart","version":"1.8.2"}\n' },
    metrics: { [`shop/${a.podNames[1]}`]: { cpu: '12m', memory: '61Mi' } } }), expected: { category: 'CrashLoopBackOff', action: 'pods_delete' } });
}
{
  const a = app({ ns: 'payments', name: 'ledger-api', image: 'registry.internal/payments/ledger-api:2024.11.3', prevImage: 'registry.internal/payments/ledger-api:2024.11.2', replicas: 3, revision: 7, hash: '5c8f9d7b4', prevHash: '84b6c9f5d', prevReady: 3, rsCreated: 25 * MIN,
    depStatus: { updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1, replicas: 4 },
    conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "ledger-api-5c8f9d7b4" is progressing.' }],
    pods: [{ state: waiting('CrashLoopBackOff', 'back-off 2m40s restarting failed container=ledger-api'), lastState: terminated('Error', 2, 3 * MIN, 3 * MIN - 900), ready: false, restartCount: 6, created: 24 * MIN },
      { ...healthy(9 * DAY), prev: true }, { ...healthy(9 * DAY), prev: true }, { ...healthy(9 * DAY), prev: true }] });
  const p = a.podNames[0];
  add('crashloop-bad-release-nil-pointer', { alert: { source: 'alertmanager', payload: crashLoopAlert('payments', p, 'ledger-api', { team: 'payments' }) }, kubernetes: kube(a, {
    events: [...normal('payments', p, 'ledger-api', 'registry.internal/payments/ledger-api:2024.11.3', 7), backoff('payments', p, 'ledger-api', 28),
      event({ ns: 'payments', kind: 'Deployment', name: 'ledger-api', reason: 'ScalingReplicaSet', type: 'Normal', message: 'Scaled up replica set ledger-api-5c8f9d7b4 to 1', component: 'deployment-controller', firstAgo: 25 * MIN, lastAgo: 25 * MIN })],
    logs: { [`payments/${p}/ledger-api#previous`]: 'time="2026-11-20T14:27:01Z" level=info msg="loading ledger schema v43"\npanic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8c3f21]\n\ngoroutine 1 [running]:\ngithub.com/acme/ledger/internal/fx.(*Rates).Load(0x0)\n\t/src/internal/fx/rates.go:57 +0x21\n' } }),
    expected: { category: 'CrashLoopBackOff', action: 'deployments_rollout_undo' } });
}
{
  const a = app({ ns: 'billing', name: 'invoice-worker', image: 'ghcr.io/acme/invoice-worker:3.2.0', replicas: 1, revision: 12, rsCreated: 6 * DAY, pods: [
    { state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=invoice-worker'), lastState: terminated('Error', 1, 4 * MIN, 4 * MIN - 2200), ready: false, restartCount: 31 }] });
  const p = a.podNames[0];
  add('crashloop-missing-env', { alert: { source: 'alertmanager', payload: crashLoopAlert('billing', p, 'invoice-worker') }, kubernetes: kube(a, {
    events: [backoff('billing', p, 'invoice-worker', 140), event({ ns: 'billing', name: p, reason: 'Pulled', type: 'Normal', message: 'Container image "ghcr.io/acme/invoice-worker:3.2.0" already present on machine', count: 31 })],
    logs: { [`billing/${p}/invoice-worker#previous`]: '2026-11-20 14:25:58,112 INFO  invoice_worker.main: booting worker pid=1\nTraceback (most recent call last):\n  File "/app/invoice_worker/settings.py", line 41, in <module>\n    STRIPE_API_KEY = os.environ["STRIPE_API_KEY"]\nKeyError: \'STRIPE_API_KEY\'\n2026-11-20 14:25:58,130 CRITICAL invoice_worker.main: environment variable STRIPE_API_KEY is not set\n' } }),
    expected: { category: 'CrashLoopBackOff', action: 'none' } });
}
{
  const cs = [container({ name: 'orders', image: 'eu.gcr.io/acme/orders:5.4.1', requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }),
    container({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.23.2', requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } })];
  const a = app({ ns: 'orders', name: 'orders', containers: cs, replicas: 3, revision: 22, rsCreated: 11 * DAY, labels: { app: 'orders', version: 'v5' }, pods: [
    { statuses: [{ state: waiting('CrashLoopBackOff', 'back-off 1m20s restarting failed container=orders'), lastState: terminated('Error', 1, 2 * MIN, 2 * MIN - 4000), ready: false, restartCount: 5 }, healthy(5 * HOUR)] },
    { statuses: [healthy(), healthy()] }, { statuses: [healthy(), healthy()] }] });
  const p = a.podNames[0];
  add('crashloop-sidecar-pod-postgres-refused', { alert: { source: 'alertmanager', payload: crashLoopAlert('orders', p, 'orders', { cluster: 'prod-eu' }) }, kubernetes: kube(a, {
    events: [backoff('orders', p, 'orders', 19), event({ ns: 'orders', name: p, reason: 'Unhealthy', message: 'Readiness probe failed: Get "http://10.0.9.112:15021/healthz/ready": dial tcp 10.0.9.112:15021: connect: connection refused', count: 2, firstAgo: 5 * HOUR, lastAgo: 5 * HOUR, fieldPath: 'spec.containers{istio-proxy}' })],
    logs: { [`orders/${p}/orders#previous`]: 'Exception in thread "main" org.springframework.beans.factory.BeanCreationException: Error creating bean with name \'dataSource\'\nCaused by: org.postgresql.util.PSQLException: Connection to orders-db.orders.svc:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)\n' },
    metrics: { [`orders/${a.podNames[1]}`]: { cpu: '180m', memory: '390Mi' } } }), expected: { category: 'CrashLoopBackOff', action: 'pods_delete' } });
}

// ---------- OOMKilled ----------
{
  const cs = [container({ name: 'indexer', image: 'ghcr.io/acme/search-indexer:8.1.0', requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '512Mi' } })];
  const a = app({ ns: 'search', name: 'indexer', containers: cs, replicas: 2, revision: 9, pods: [
    { state: running(3 * MIN), lastState: terminated('OOMKilled', 137, 41 * MIN, 3 * MIN + 2000), ready: true, restartCount: 6 }, healthy()] });
  const p = a.podNames[0];
  add('oom-java-indexer', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubernetesContainerOomKiller', severity: 'warning', labels: { namespace: 'search', pod: p, container: 'indexer' }, summary: `Kubernetes container oom killer (search/${p})`, description: `Container indexer in pod search/${p} has been OOMKilled 6 times in the last 10 minutes.`, expr: '(kube_pod_container_status_restarts_total - kube_pod_container_status_restarts_total offset 10m >= 1) and ignoring (reason) min_over_time(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}[10m]) == 1' }) },
    kubernetes: kube(a, { events: [...normal('search', p, 'indexer', 'ghcr.io/acme/search-indexer:8.1.0', 6)],
      logs: { [`search/${p}/indexer#previous`]: '14:26:12.301 [main] INFO  c.a.s.Indexer - reindexing 1.2M documents\n14:26:49.877 [main] WARN  c.a.s.Indexer - heap usage 93%\n' }, metrics: { [`search/${p}`]: { cpu: '910m', memory: '498Mi' }, [`search/${a.podNames[1]}`]: { cpu: '40m', memory: '301Mi' } } }),
    expected: { category: 'OOMKilled', action: 'resources_patch' } });
}
{
  const a = app({ ns: 'web', name: 'storefront-ssr', image: 'ghcr.io/acme/storefront-ssr:14.2.0', replicas: 1, revision: 31, pods: [
    { state: waiting('CrashLoopBackOff', 'back-off 2m40s restarting failed container=storefront-ssr'), lastState: terminated('OOMKilled', 137, 4 * MIN, 3 * MIN), ready: false, restartCount: 9 }] });
  const p = a.podNames[0];
  add('oom-crashloop-node-ssr', { alert: { source: 'alertmanager', payload: crashLoopAlert('web', p, 'storefront-ssr') }, kubernetes: kube(a, {
    events: [backoff('web', p, 'storefront-ssr', 33)],
    logs: { [`web/${p}/storefront-ssr#previous`]: '\n<--- Last few GCs --->\n[1:0x6f2e0a0]    58021 ms: Mark-Compact 247.9 (258.3) -> 246.1 (258.6) MB\n\n<--- JS stacktrace --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n' } }),
    expected: { category: 'OOMKilled', action: 'resources_patch' } });
}
{
  const cs = [container({ name: 'api', image: 'ghcr.io/acme/profile-api:2.0.7', requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '768Mi' } }),
    container({ name: 'fluent-bit', image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9', requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } })];
  const a = app({ ns: 'identity', name: 'profile-api', containers: cs, replicas: 2, revision: 3, pods: [
    { statuses: [healthy(), { state: running(MIN), lastState: terminated('OOMKilled', 137, 12 * MIN, MIN + 3000), ready: true, restartCount: 4 }] },
    { statuses: [healthy(), healthy()] }] });
  const p = a.podNames[0];
  add('oom-logging-sidecar', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubePodRestartingFrequently', labels: { namespace: 'identity', pod: p, container: 'fluent-bit' }, summary: 'Pod restarting more than 3 times in 1h', expr: 'increase(kube_pod_container_status_restarts_total[1h]) > 3' }) },
    kubernetes: kube(a, { events: [...normal('identity', p, 'fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.1.9', 4)], logs: { [`identity/${p}/api`]: '{"level":"info","msg":"GET /v1/profile 200 12ms"}\n' } }),
    expected: { category: 'OOMKilled', action: 'resources_patch' } });
}

// ---------- ImagePullBackOff ----------
{
  const a = app({ ns: 'catalog', name: 'catalog-api', image: 'ghcr.io/acme/catalog-api:v2.31.0', prevImage: 'ghcr.io/acme/catalog-api:v2.30.4', replicas: 2, revision: 18, hash: '66d4f8c79b', prevHash: '5fb7c9d84', prevReady: 2, rsCreated: 14 * MIN,
    depStatus: { updatedReplicas: 1, unavailableReplicas: 1, replicas: 3 },
    conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "catalog-api-66d4f8c79b" is progressing.' }],
    pods: [{ state: waiting('ImagePullBackOff', 'Back-off pulling image "ghcr.io/acme/catalog-api:v2.31.0"'), ready: false, restartCount: 0, created: 14 * MIN }, { ...healthy(12 * DAY), prev: true }, { ...healthy(12 * DAY), prev: true }] });
  const p = a.podNames[0];
  add('imagepull-bad-tag-rollout', { alert: { source: 'alertmanager', payload: notReadyAlert('catalog', p) }, kubernetes: kube(a, {
    events: [event({ ns: 'catalog', name: p, reason: 'Pulling', type: 'Normal', message: 'Pulling image "ghcr.io/acme/catalog-api:v2.31.0"', count: 7 }),
      event({ ns: 'catalog', name: p, reason: 'Failed', message: 'Failed to pull image "ghcr.io/acme/catalog-api:v2.31.0": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/acme/catalog-api:v2.31.0": failed to resolve reference "ghcr.io/acme/catalog-api:v2.31.0": ghcr.io/acme/catalog-api:v2.31.0: not found', count: 7 }),
      event({ ns: 'catalog', name: p, reason: 'Failed', message: 'Error: ErrImagePull', count: 7 }),
      event({ ns: 'catalog', name: p, reason: 'BackOff', type: 'Normal', message: 'Back-off pulling image "ghcr.io/acme/catalog-api:v2.31.0"', count: 52 }),
      event({ ns: 'catalog', name: p, reason: 'Failed', message: 'Error: ImagePullBackOff', count: 52 })] }),
    expected: { category: 'ImagePullBackOff', action: 'deployments_rollout_undo' } });
}
{
  const a = app({ ns: 'ml', name: 'feature-store', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/feature-store:1.0.0', replicas: 1, revision: 1, rsCreated: 40 * MIN, pods: [
    { state: waiting('ImagePullBackOff', 'Back-off pulling image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/feature-store:1.0.0"'), ready: false, created: 40 * MIN }] });
  const p = a.podNames[0];
  add('imagepull-unauthorized-first-deploy', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentReplicasMismatch', labels: { namespace: 'ml', deployment: 'feature-store', job: 'kube-state-metrics' }, startsAgo: 25 * MIN, summary: 'Deployment has not matched the expected number of replicas.', expr: 'kube_deployment_spec_replicas{job="kube-state-metrics"} > kube_deployment_status_replicas_available{job="kube-state-metrics"}' }) },
    kubernetes: kube(a, { events: [event({ ns: 'ml', name: p, reason: 'Failed', message: 'Failed to pull image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/feature-store:1.0.0": failed to pull and unpack image: failed to resolve reference: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials', count: 12 }),
      event({ ns: 'ml', name: p, reason: 'BackOff', type: 'Normal', message: 'Back-off pulling image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/feature-store:1.0.0"', count: 160 })] }),
    expected: { category: 'ImagePullBackOff', action: 'none' } });
}
{
  const ns = 'data', name = 'nightly-export-28871230-7xk2q';
  const cs = [container({ name: 'export', image: 'ghcr.io/acme/exporter:latest-rc', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } })];
  const p = pod({ ns, name, owner: { kind: 'Job', name: 'nightly-export-28871230' }, labels: { 'batch.kubernetes.io/job-name': 'nightly-export-28871230', 'job-name': 'nightly-export-28871230' }, node: NODES[1], containers: cs, phase: 'Pending', created: 30 * MIN,
    statuses: [{ state: waiting('ErrImagePull', 'failed to pull and unpack image "ghcr.io/acme/exporter:latest-rc": failed to resolve reference "ghcr.io/acme/exporter:latest-rc": ghcr.io/acme/exporter:latest-rc: not found'), ready: false }] });
  add('errimagepull-cronjob-pod', { alert: { source: 'alertmanager', payload: notReadyAlert(ns, name) }, kubernetes: { pods: [p], events: [
    event({ ns, name, reason: 'Scheduled', type: 'Normal', message: `Successfully assigned data/${name} to ${NODES[1]}`, component: 'default-scheduler' }),
    event({ ns, name, reason: 'Failed', message: 'Failed to pull image "ghcr.io/acme/exporter:latest-rc": rpc error: code = NotFound desc = failed to pull and unpack image', count: 6 })] },
    expected: { category: 'ImagePullBackOff', action: 'none' } });
}

// ---------- CreateContainerConfigError ----------
{
  const a = app({ ns: 'shop', name: 'checkout', image: 'ghcr.io/acme/checkout:4.4.0', replicas: 2, revision: 15, rsCreated: 5 * DAY, pods: [
    { state: waiting('CreateContainerConfigError', "couldn't find key DATABASE_URL in ConfigMap shop/cart-config"), ready: false, created: 35 * MIN }, healthy()] });
  const p = a.podNames[0];
  add('configerror-missing-configmap-key', { alert: { source: 'alertmanager', payload: notReadyAlert('shop', p) }, kubernetes: kube(a, {
    events: [event({ ns: 'shop', name: p, reason: 'Failed', message: "Error: couldn't find key DATABASE_URL in ConfigMap shop/cart-config", count: 170, fieldPath: 'spec.containers{checkout}' }),
      event({ ns: 'shop', name: p, reason: 'Pulled', type: 'Normal', message: 'Container image "ghcr.io/acme/checkout:4.4.0" already present on machine', count: 170 })] }),
    expected: { category: 'CreateContainerConfigError', action: 'none' } });
}
{
  const a = app({ ns: 'orders', name: 'orders-migrator', image: 'ghcr.io/acme/orders-migrator:1.3.0', replicas: 1, revision: 2, rsCreated: 9 * DAY, pods: [
    { state: waiting('CreateContainerConfigError', 'secret "orders-db-credentials" not found'), ready: false, created: 50 * MIN }] });
  const p = a.podNames[0];
  add('configerror-secret-not-found', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeContainerWaiting', labels: { namespace: 'orders', pod: p, container: 'orders-migrator', reason: 'CreateContainerConfigError' }, startsAgo: 40 * MIN, summary: 'Pod container waiting longer than 1 hour', expr: 'sum by (namespace, pod, container, cluster) (kube_pod_container_status_waiting_reason{job="kube-state-metrics"}) > 0' }) },
    kubernetes: kube(a, { events: [event({ ns: 'orders', name: p, reason: 'Failed', message: 'Error: secret "orders-db-credentials" not found', count: 230 })] }),
    expected: { category: 'CreateContainerConfigError', action: 'none' } });
}

// ---------- Unschedulable ----------
function pendingApp({ ns, name, image, replicas, requests, message, revision = 3 }) {
  const cs = [container({ name, image, requests, limits: requests })];
  const a = app({ ns, name, containers: cs, replicas, revision, rsCreated: 4 * DAY, pods: [
    { scheduled: false, schedMessage: message, phase: 'Pending', node: null, ready: false, created: 25 * MIN }, healthy(), healthy()].slice(0, replicas) });
  a.pods[0].spec.nodeName = undefined; delete a.pods[0].spec.nodeName;
  return a;
}
{
  const msg = '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  const a = pendingApp({ ns: 'analytics', name: 'clickhouse-proxy', image: 'ghcr.io/acme/chproxy:1.26.4', replicas: 3, requests: { cpu: '1', memory: '12Gi' }, message: msg });
  const p = a.podNames[0];
  add('unschedulable-insufficient-memory', { alert: { source: 'alertmanager', payload: notReadyAlert('analytics', p) }, kubernetes: kube(a, {
    events: [event({ ns: 'analytics', name: p, reason: 'FailedScheduling', message: msg, count: 9, component: 'default-scheduler' }),
      event({ ns: 'analytics', name: p, reason: 'NotTriggerScaleUp', type: 'Normal', message: "pod didn't trigger scale-up: 2 max node group size reached, 1 Insufficient memory", count: 14, component: 'cluster-autoscaler' })] }),
    expected: { category: 'Unschedulable', action: 'none' } });
}
{
  const msg = "0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.";
  const a = pendingApp({ ns: 'ml', name: 'trainer', image: 'nvcr.io/acme/trainer:24.10', replicas: 1, requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' }, message: msg });
  const p = a.podNames[0];
  add('unschedulable-taint-affinity', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubePodPending', labels: { namespace: 'ml', pod: p, phase: 'Pending' }, summary: `Pod ml/${p} pending for 15m`, expr: 'kube_pod_status_phase{phase="Pending"} == 1' }) },
    kubernetes: kube(a, { events: [event({ ns: 'ml', name: p, reason: 'FailedScheduling', message: msg, count: 4, component: 'default-scheduler' })] }),
    expected: { category: 'Unschedulable', action: 'none' } });
}
{
  const msg = '0/4 nodes are available: 1 node(s) were unschedulable, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.';
  const a = pendingApp({ ns: 'reporting', name: 'report-renderer', image: 'ghcr.io/acme/report-renderer:0.9.12', replicas: 2, requests: { cpu: '3500m', memory: '2Gi' }, message: msg });
  const p = a.podNames[0];
  add('unschedulable-insufficient-cpu-deployment-alert', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentReplicasMismatch', labels: { namespace: 'reporting', deployment: 'report-renderer', job: 'kube-state-metrics' }, startsAgo: 20 * MIN, summary: 'Deployment has not matched the expected number of replicas.', expr: 'kube_deployment_spec_replicas > kube_deployment_status_replicas_available' }) },
    kubernetes: kube(a, { events: [event({ ns: 'reporting', name: p, reason: 'FailedScheduling', message: msg, count: 6, component: 'default-scheduler' })] }),
    expected: { category: 'Unschedulable', action: 'none' } });
}

// ---------- ProbeFailure ----------
{
  const a = app({ ns: 'shop', name: 'recommendations', image: 'ghcr.io/acme/recommendations:3.1.4', replicas: 3, revision: 11, pods: [
    { state: running(2 * DAY), ready: false, restartCount: 0 }, healthy(), healthy()] });
  const p = a.podNames[0];
  add('probe-readiness-503-one-pod', { alert: { source: 'alertmanager', payload: notReadyAlert('shop', p) }, kubernetes: kube(a, {
    events: [event({ ns: 'shop', name: p, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 118, fieldPath: 'spec.containers{recommendations}' })],
    logs: { [`shop/${p}/recommendations`]: 'INFO  model cache warm\nWARN  health: model store lock held for 1204s by refresh job\nWARN  GET /ready 503\n' },
    metrics: { [`shop/${p}`]: { cpu: '3m', memory: '210Mi' } } }), expected: { category: 'ProbeFailure', action: 'pods_delete' } });
}
{
  const a = app({ ns: 'gateway', name: 'edge-router', image: 'ghcr.io/acme/edge-router:6.0.2', replicas: 3, revision: 40, pods: [
    { state: waiting('CrashLoopBackOff', 'back-off 40s restarting failed container=edge-router'), lastState: terminated('Error', 137, 3 * MIN, 90_000), ready: false, restartCount: 7 }, healthy(), healthy()] });
  const p = a.podNames[0];
  add('probe-liveness-deadlock', { alert: { source: 'alertmanager', payload: crashLoopAlert('gateway', p, 'edge-router') }, kubernetes: kube(a, {
    events: [event({ ns: 'gateway', name: p, reason: 'Unhealthy', message: 'Liveness probe failed: Get "http://10.0.33.18:9901/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count: 21 }),
      event({ ns: 'gateway', name: p, reason: 'Killing', type: 'Normal', message: 'Container edge-router failed liveness probe, will be restarted', count: 7 }), backoff('gateway', p, 'edge-router', 11)],
    logs: { [`gateway/${p}/edge-router#previous`]: '[2026-11-20 14:22:10.114][1][info][main] starting main dispatch loop\n[2026-11-20 14:23:40.002][1][warning][main] watchdog: thread 12 stuck for 30s\n' } }),
    expected: { category: 'ProbeFailure', action: 'pods_delete' } });
}
{
  const a = app({ ns: 'accounts', name: 'accounts-web', image: 'ghcr.io/acme/accounts-web:2.9.0', prevImage: 'ghcr.io/acme/accounts-web:2.8.5', replicas: 2, revision: 27, hash: '9c6d7f5b8', prevHash: '7b9f4c6d2', prevReady: 2, rsCreated: 22 * MIN,
    depStatus: { updatedReplicas: 1, unavailableReplicas: 1, replicas: 3 },
    conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "accounts-web-9c6d7f5b8" is progressing.' }],
    pods: [{ state: running(21 * MIN), ready: false, restartCount: 0, created: 22 * MIN }, { ...healthy(8 * DAY), prev: true }, { ...healthy(8 * DAY), prev: true }] });
  const p = a.podNames[0];
  add('probe-readiness-404-after-release', { alert: { source: 'alertmanager', payload: notReadyAlert('accounts', p) }, kubernetes: kube(a, {
    events: [event({ ns: 'accounts', name: p, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404', count: 126 })],
    logs: { [`accounts/${p}/accounts-web`]: '127.0.0.1 - - [20/Nov/2026:14:29:51 +0000] "GET /healthz HTTP/1.1" 404 19 "-" "kube-probe/1.30"\n' } }),
    expected: { category: 'ProbeFailure', action: 'deployments_rollout_undo' } });
}

// The standard context queries the investigation asks Prometheus (core/prometheus-queries.ts), written out as it sends
// them, so a scenario holds the answers to what Lookout really asks: `workload` is the alert's Deployment's pods.
const workload = (ns, deploy, container) => `namespace="${ns}",pod=~"${deploy}-[a-z0-9]+-[a-z0-9]+",${container ? `container="${container}"` : 'container!=""'}`;
const cpuUsed = (s) => `sum by (pod) (rate(container_cpu_usage_seconds_total{${s}}[5m]))`;
const cpuOfLimit = (s) => `${cpuUsed(s)} / sum by (pod) (kube_pod_container_resource_limits{${s},resource="cpu"})`;
const memoryUsed = (s) => `sum by (pod) (container_memory_working_set_bytes{${s}})`;
const restartsLastHour = (s) => `sum by (pod) (increase(kube_pod_container_status_restarts_total{${s}}[1h]))`;
const perPod = (pods, values, labels = {}) => pods.map((p, i) => vector({ pod: p, ...labels }, values[i]));

// ---------- HighCPU ----------
function cpuApp(ns, name, replicas, cpuLimit, usages, extra = {}) {
  const cs = [container({ name, image: `ghcr.io/acme/${name}:1.${replicas}.0`, requests: { cpu: cpuLimit, memory: '512Mi' }, limits: { cpu: cpuLimit, memory: '1Gi' } })];
  const a = app({ ns, name, containers: cs, replicas, revision: 6, rsCreated: 10 * DAY, pods: Array.from({ length: replicas }, () => healthy()), ...extra });
  const metrics = Object.fromEntries(a.podNames.map((p, i) => [`${ns}/${p}`, { cpu: usages[i], memory: `${300 + i * 17}Mi` }]));
  return { a, metrics };
}
{
  const { a, metrics } = cpuApp('search', 'query-api', 3, '1', ['962m', '948m', '991m']);
  const expr = 'sum by (namespace, deployment) (rate(container_cpu_usage_seconds_total{namespace="search",pod=~"query-api-.*"}[5m])) / sum by (namespace, deployment) (kube_pod_container_resource_limits{resource="cpu",namespace="search",pod=~"query-api-.*"})';
  add('cpu-saturated-scale', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'HighCPUUsage', severity: 'warning', labels: { namespace: 'search', deployment: 'query-api', team: 'search' }, startsAgo: 18 * MIN, summary: 'query-api CPU above 90% of its limit for 15m', expr: `${expr} > 0.9` }) },
    kubernetes: kube(a, { metrics }), prometheus: [{ query: expr, result: [matrix({ namespace: 'search' }, [0.91, 0.93, 0.95, 0.96, 0.97, 0.96])] },
      { query: cpuOfLimit(workload('search', 'query-api')), result: perPod(a.podNames, [0.962, 0.948, 0.991]) }],
    expected: { category: 'HighCPU', action: 'deployments_scale' } });
}
{
  const { a, metrics } = cpuApp('notifications', 'push-dispatcher', 4, '500m', ['498m', '21m', '18m', '25m']);
  add('cpu-one-pod-spinning', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'ContainerHighCpuUtilization', labels: { namespace: 'notifications', pod: a.podNames[0], container: 'push-dispatcher' }, summary: `Container CPU utilization above 80% (notifications/${a.podNames[0]})`, expr: '(sum(rate(container_cpu_usage_seconds_total{container!=""}[5m])) by (pod, container) / sum(container_spec_cpu_quota{container!=""}/container_spec_cpu_period{container!=""}) by (pod, container) * 100) > 80' }) },
    kubernetes: kube(a, { metrics, logs: { [`notifications/${a.podNames[0]}/push-dispatcher`]: 'WARN apns: retry queue length 48211, retrying immediately\nWARN apns: retry queue length 48212, retrying immediately\n' } }),
    expected: { category: 'HighCPU', action: 'pods_delete' } });
}
{
  const { a, metrics } = cpuApp('media', 'thumbnailer', 4, '2', ['1840m', '1790m', '1702m', '1911m']);
  const expr = 'sum(increase(container_cpu_cfs_throttled_periods_total{container!=""}[5m])) by (cluster, container, pod, namespace) / sum(increase(container_cpu_cfs_periods_total{}[5m])) by (cluster, container, pod, namespace)';
  add('cpu-throttling-scale', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'CPUThrottlingHigh', severity: 'info', labels: { namespace: 'media', pod: a.podNames[2], container: 'thumbnailer' }, startsAgo: 25 * MIN, summary: 'Processes experience elevated CPU throttling.', description: `64.3% throttling of CPU in namespace media for container thumbnailer in pod ${a.podNames[2]}.`, expr: `${expr} > (25 / 100)` }) },
    kubernetes: kube(a, { metrics }), prometheus: [{ query: expr, result: perPod(a.podNames, [0.588, 0.571, 0.643, 0.612], { namespace: 'media', container: 'thumbnailer', cluster: 'prod-eu' }) },
      { query: cpuUsed(workload('media', 'thumbnailer', 'thumbnailer')), result: perPod(a.podNames, [1.84, 1.79, 1.7, 1.91]) }],
    expected: { category: 'HighCPU', action: 'deployments_scale' } });
}

// ---------- HighMemory ----------
{
  const cs = [container({ name: 'session-cache', image: 'ghcr.io/acme/session-cache:0.14.1', requests: { cpu: '200m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })];
  const a = app({ ns: 'identity', name: 'session-cache', containers: cs, replicas: 2, revision: 5, pods: [healthy(), healthy()] });
  const expr = 'sum by (namespace, pod, container) (container_memory_working_set_bytes{container!=""}) / sum by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"})';
  add('memory-near-limit-patch', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeContainerMemoryNearLimit', labels: { namespace: 'identity', deployment: 'session-cache' }, startsAgo: 30 * MIN, summary: 'Container memory working set above 90% of its limit', expr: `${expr} > 0.9` }) },
    kubernetes: kube(a, { metrics: { [`identity/${a.podNames[0]}`]: { cpu: '120m', memory: '981Mi' }, [`identity/${a.podNames[1]}`]: { cpu: '131m', memory: '957Mi' } } }),
    prometheus: [{ query: expr, result: perPod(a.podNames, [0.958, 0.935], { namespace: 'identity', container: 'session-cache' }) },
      { query: memoryUsed(workload('identity', 'session-cache')), result: perPod(a.podNames, [1028653056, 1003487232]) }],
    expected: { category: 'HighMemory', action: 'resources_patch' } });
}
{
  const cs = [container({ name: 'pdf-worker', image: 'ghcr.io/acme/pdf-worker:7.2.3', requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } })];
  const a = app({ ns: 'docs', name: 'pdf-worker', containers: cs, replicas: 3, revision: 19, pods: [healthy(6 * DAY), healthy(6 * DAY), healthy(6 * DAY)] });
  const expr = 'container_memory_working_set_bytes{container="pdf-worker"} / container_spec_memory_limit_bytes{container="pdf-worker"}';
  add('memory-leak-one-pod', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'PodMemoryUsageHigh', labels: { namespace: 'docs', pod: a.podNames[1], container: 'pdf-worker' }, startsAgo: 45 * MIN, summary: `Pod docs/${a.podNames[1]} memory above 85% of its limit`, expr: `${expr} > 0.85` }) },
    kubernetes: kube(a, { metrics: { [`docs/${a.podNames[0]}`]: { cpu: '90m', memory: '402Mi' }, [`docs/${a.podNames[1]}`]: { cpu: '140m', memory: '1871Mi' }, [`docs/${a.podNames[2]}`]: { cpu: '77m', memory: '388Mi' } } }),
    prometheus: [{ query: expr, result: perPod(a.podNames, [0.196, 0.913, 0.189], { namespace: 'docs', container: 'pdf-worker' }) },
      { query: memoryUsed(workload('docs', 'pdf-worker', 'pdf-worker')), result: [matrix({ pod: a.podNames[0] }, [4.19e8, 4.2e8, 4.21e8, 4.2e8, 4.22e8, 4.215e8]),
        matrix({ pod: a.podNames[1] }, [1.41e9, 1.52e9, 1.63e9, 1.74e9, 1.86e9, 1.96e9]), matrix({ pod: a.podNames[2] }, [4.05e8, 4.07e8, 4.06e8, 4.08e8, 4.07e8, 4.068e8])] }],
    expected: { category: 'HighMemory', action: 'pods_delete' } });
}

// ---------- HighErrorRate ----------
{
  const a = app({ ns: 'shop', name: 'pricing', image: 'ghcr.io/acme/pricing:2.14.0', prevImage: 'ghcr.io/acme/pricing:2.13.2', replicas: 3, revision: 12, hash: '8f5d6c7b9', prevHash: '6d8c7f9b5', prevReady: 0, rsCreated: 17 * MIN,
    pods: [healthy(16 * MIN), healthy(15 * MIN), healthy(14 * MIN)] });
  const expr = 'sum(rate(http_requests_total{namespace="shop",service="pricing",status=~"5.."}[5m])) / sum(rate(http_requests_total{namespace="shop",service="pricing"}[5m]))';
  add('errors-after-release', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'HighHTTP5xxRate', severity: 'critical', labels: { namespace: 'shop', deployment: 'pricing', service: 'pricing' }, startsAgo: 9 * MIN, summary: 'pricing is returning more than 5% 5xx', expr: `${expr} > 0.05` }) },
    kubernetes: kube(a, { logs: { [`shop/${a.podNames[0]}/pricing`]: '{"level":"error","msg":"rule engine: unknown currency field \\"amount_minor\\"","status":500}\n' }, metrics: Object.fromEntries(a.podNames.map((p) => [`shop/${p}`, { cpu: '140m', memory: '201Mi' }])) }),
    prometheus: [{ query: expr, result: [matrix({ service: 'pricing' }, [0.001, 0.002, 0.18, 0.22, 0.21, 0.24])] }],
    expected: { category: 'HighErrorRate', action: 'deployments_rollout_undo' } });
}
{
  const a = app({ ns: 'orders', name: 'order-history', image: 'ghcr.io/acme/order-history:1.9.9', replicas: 2, revision: 8, rsCreated: 13 * DAY, pods: [healthy(), healthy()] });
  add('errors-database-down', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'SLOErrorBudgetBurn', severity: 'critical', labels: { namespace: 'orders', deployment: 'order-history', slo: 'availability', long: '1h', short: '5m' }, summary: 'order-history is burning its error budget 14x', expr: 'sum(rate(http_server_requests_seconds_count{namespace="orders",status=~"5.."}[1h])) / sum(rate(http_server_requests_seconds_count{namespace="orders"}[1h])) > (14.4 * 0.001)' }) },
    kubernetes: kube(a, { logs: { [`orders/${a.podNames[0]}/order-history`]: '2026-11-20T14:28:01Z ERROR HikariPool-1 - Connection is not available, request timed out after 30000ms.\n2026-11-20T14:28:02Z ERROR o.h.e.j.s.SqlExceptionHelper - Connection to orders-db:5432 refused.\n' },
      metrics: { [`orders/${a.podNames[0]}`]: { cpu: '60m', memory: '410Mi' }, [`orders/${a.podNames[1]}`]: { cpu: '55m', memory: '398Mi' } } }),
    expected: { category: 'HighErrorRate', action: 'none' } });
}
{
  const a = app({ ns: 'search', name: 'autocomplete', image: 'ghcr.io/acme/autocomplete:4.0.1', replicas: 4, revision: 14, rsCreated: 20 * DAY, pods: [
    healthy(), healthy(), { state: running(40 * MIN), lastState: terminated('Error', 2, 3 * DAY, 40 * MIN), ready: true, restartCount: 1 }, healthy()] });
  const expr = 'sum(rate(nginx_ingress_controller_requests{ingress="autocomplete",status=~"5.."}[5m])) / sum(rate(nginx_ingress_controller_requests{ingress="autocomplete"}[5m]))';
  add('errors-one-bad-pod', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'IngressHighErrorRate', labels: { namespace: 'search', deployment: 'autocomplete', ingress: 'autocomplete' }, summary: 'More than 2% of requests to autocomplete fail', expr: `${expr} > 0.02` }) },
    kubernetes: kube(a, { logs: { [`search/${a.podNames[2]}/autocomplete`]: 'ERROR index shard 3 failed to load: checksum mismatch, serving empty results with 500\n' } }),
    // 7.8 of about 160 requests/s fail, all from the third pod, the one that restarted.
    prometheus: [{ query: expr, result: [vector({}, 0.049)] }, { query: restartsLastHour(workload('search', 'autocomplete')), result: perPod(a.podNames, [0, 0, 1, 0]) }],
    expected: { category: 'HighErrorRate', action: 'pods_delete' } });
}

// ---------- HighLatency ----------
{
  const { a, metrics } = cpuApp('checkout', 'tax-calculator', 2, '500m', ['488m', '471m']);
  const expr = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="tax-calculator"}[5m])))';
  add('latency-cpu-saturated', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'HighRequestLatency', labels: { namespace: 'checkout', deployment: 'tax-calculator', service: 'tax-calculator' }, summary: 'p99 latency of tax-calculator above 1s', expr: `${expr} > 1` }) },
    kubernetes: kube(a, { metrics }), prometheus: [{ query: expr, result: [vector({}, 2.31)] }, { query: cpuOfLimit(workload('checkout', 'tax-calculator')), result: perPod(a.podNames, [0.976, 0.942]) }],
    expected: { category: 'HighLatency', action: 'deployments_scale' } });
}
{
  const a = app({ ns: 'content', name: 'cms-api', image: 'ghcr.io/acme/cms-api:11.0.0', prevImage: 'ghcr.io/acme/cms-api:10.8.3', replicas: 2, revision: 33, prevReady: 0, rsCreated: 35 * MIN, pods: [healthy(34 * MIN), healthy(33 * MIN)] });
  const expr = 'histogram_quantile(0.95, sum by (le) (rate(http_server_duration_seconds_bucket{job="cms-api"}[5m])))';
  add('latency-after-release', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'APIHighLatencyP95', labels: { namespace: 'content', deployment: 'cms-api' }, startsAgo: 20 * MIN, summary: 'cms-api p95 latency above 800ms', expr: `${expr} > 0.8` }) },
    kubernetes: kube(a, { metrics: Object.fromEntries(a.podNames.map((p) => [`content/${p}`, { cpu: '210m', memory: '180Mi' }])), logs: { [`content/${a.podNames[0]}/cms-api`]: 'WARN slow query: SELECT * FROM articles WHERE tags @> $1 (1843 ms)\n' } }),
    prometheus: [{ query: expr, result: [matrix({}, [0.12, 0.13, 1.4, 1.7, 1.9])] }],
    expected: { category: 'HighLatency', action: 'deployments_rollout_undo' } });
}
{
  const a = app({ ns: 'travel', name: 'fare-search', image: 'ghcr.io/acme/fare-search:5.5.5', replicas: 3, revision: 21, rsCreated: 15 * DAY, pods: [healthy(), healthy(), healthy()] });
  add('latency-downstream-timeout', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'SlowResponses', labels: { namespace: 'travel', deployment: 'fare-search' }, summary: 'fare-search responses slower than 3s at p90', expr: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{app="fare-search"}[10m]))) > 3' }) },
    kubernetes: kube(a, { metrics: Object.fromEntries(a.podNames.map((p, i) => [`travel/${p}`, { cpu: `${80 + i * 9}m`, memory: '260Mi' }])), logs: { [`travel/${a.podNames[0]}/fare-search`]: 'WARN upstream gds-partner.example.net: context deadline exceeded after 5s, retrying (2/3)\n' } }),
    expected: { category: 'HighLatency', action: 'none' } });
}

// ---------- NodeNotReady ----------
{
  const n = node({ name: 'ip-10-0-71-4.eu-west-1.compute.internal', ready: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: t(6 * MIN) }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: t(6 * MIN) }] });
  add('node-unreachable', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeNodeNotReady', labels: { node: n.metadata.name, job: 'kube-state-metrics', condition: 'Ready', status: 'true' }, summary: 'Node is not ready.', description: `${n.metadata.name} has been unready for more than 15 minutes.`, expr: 'kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"} == 0' }) },
    kubernetes: { nodes: [n, node({ name: NODES[0] })], events: [event({ kind: 'Node', name: n.metadata.name, reason: 'NodeNotReady', type: 'Normal', message: `Node ${n.metadata.name} status is now: NodeNotReady`, component: 'node-controller' })] },
    expected: { category: 'NodeNotReady', action: 'none' } });
}
{
  const nn = 'ip-10-0-88-130.eu-west-1.compute.internal';
  const n = node({ name: nn, ready: 'False', reason: 'KubeletNotReady', message: 'container runtime is down, PLEG is not healthy: pleg was last seen active 4m10s ago; threshold is 3m0s' });
  const a = app({ ns: 'shop', name: 'inventory', image: 'ghcr.io/acme/inventory:2.2.2', replicas: 2, revision: 4, pods: [{ ...healthy(), ready: false, node: nn }, healthy()] });
  const p = a.podNames[0];
  add('node-runtime-down-pod-alert', { alert: { source: 'alertmanager', payload: notReadyAlert('shop', p) }, kubernetes: kube(a, { nodes: [n],
    events: [event({ ns: 'shop', name: p, reason: 'NodeNotReady', message: 'Node is not ready', component: 'node-controller' }), event({ kind: 'Node', name: nn, reason: 'NodeNotReady', type: 'Normal', message: `Node ${nn} status is now: NodeNotReady`, component: 'node-controller' })] }),
    expected: { category: 'NodeNotReady', action: 'none' } });
}

// ---------- PVCPending ----------
{
  const ns = 'data', name = 'postgres-reports-0';
  const cs = [container({ name: 'postgres', image: 'docker.io/library/postgres:16.4', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } })];
  const p = pod({ ns, name, owner: { kind: 'StatefulSet', name: 'postgres-reports' }, labels: { app: 'postgres-reports', 'statefulset.kubernetes.io/pod-name': name }, containers: cs, statuses: [], phase: 'Pending', scheduled: false, created: 18 * MIN,
    schedMessage: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-postgres-reports-0' } }] });
  add('pvc-storageclass-missing', { alert: { source: 'alertmanager', payload: notReadyAlert(ns, name) }, kubernetes: { pods: [p], events: [
    event({ ns, name, reason: 'FailedScheduling', message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.', count: 5, component: 'default-scheduler' }),
    event({ ns, kind: 'PersistentVolumeClaim', name: 'data-postgres-reports-0', reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "fast-ssd" not found', count: 74, component: 'persistentvolume-controller' })] },
    expected: { category: 'PVCPending', action: 'none' } });
}
{
  const cs = [container({ name: 'minio', image: 'quay.io/minio/minio:RELEASE.2024-10-13T13-34-11Z', requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } })];
  const a = app({ ns: 'storage', name: 'minio', containers: cs, replicas: 1, revision: 1, rsCreated: 30 * MIN, pods: [{ scheduled: false, phase: 'Pending', ready: false, created: 30 * MIN,
    schedMessage: 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded', volumes: [{ name: 'export', persistentVolumeClaim: { claimName: 'minio-export' } }] }] });
  const p = a.podNames[0];
  add('pvc-provisioner-unauthorized', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentReplicasMismatch', labels: { namespace: 'storage', deployment: 'minio' }, startsAgo: 15 * MIN, summary: 'Deployment has not matched the expected number of replicas.', expr: 'kube_deployment_spec_replicas > kube_deployment_status_replicas_available' }) },
    kubernetes: kube(a, { events: [
      event({ ns: 'storage', kind: 'PersistentVolumeClaim', name: 'minio-export', reason: 'WaitForFirstConsumer', type: 'Normal', message: 'waiting for first consumer to be created before binding', count: 3, component: 'persistentvolume-controller' }),
      event({ ns: 'storage', kind: 'PersistentVolumeClaim', name: 'minio-export', reason: 'ExternalProvisioning', type: 'Normal', message: "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", count: 120, component: 'persistentvolume-controller' }),
      event({ ns: 'storage', kind: 'PersistentVolumeClaim', name: 'minio-export', reason: 'ProvisioningFailed', message: 'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = Could not create volume "pvc-3e0c1b7a-52f1-4d7e-9b0e-2f3a4c5d6e7f": could not create volume in EC2: UnauthorizedOperation: You are not authorized to perform this operation.', count: 11, component: 'ebs.csi.aws.com_ebs-csi-controller-7c9d8b6f5-kq2lx_4e1c' }),
      event({ ns: 'storage', name: p, reason: 'FailedScheduling', message: 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded', count: 3, component: 'default-scheduler' })] }),
    expected: { category: 'PVCPending', action: 'none' } });
}
{
  const cs = [container({ name: 'grafana', image: 'docker.io/grafana/grafana:11.3.0', requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } })];
  const a = app({ ns: 'monitoring', name: 'grafana', containers: cs, replicas: 1, revision: 6, rsCreated: 12 * MIN, pods: [{ state: waiting('ContainerCreating'), phase: 'Pending', ready: false, created: 12 * MIN, volumes: [{ name: 'storage', persistentVolumeClaim: { claimName: 'grafana' } }] }] });
  const p = a.podNames[0];
  add('pvc-multi-attach', { alert: { source: 'alertmanager', payload: notReadyAlert('monitoring', p) }, kubernetes: kube(a, { events: [
    event({ ns: 'monitoring', name: p, reason: 'Scheduled', type: 'Normal', message: `Successfully assigned monitoring/${p} to ${NODES[0]}`, component: 'default-scheduler' }),
    event({ ns: 'monitoring', name: p, reason: 'FailedAttachVolume', message: 'Multi-Attach error for volume "pvc-8d2a61c4-0f3e-4b7a-9c5d-1e2f3a4b5c6d" Volume is already exclusively attached to one node and can\'t be attached to another', count: 1, component: 'attachdetach-controller' }),
    event({ ns: 'monitoring', name: p, reason: 'FailedMount', message: 'Unable to attach or mount volumes: unmounted volumes=[storage], unattached volumes=[storage kube-api-access-7qz9n]: timed out waiting for the condition', count: 5 })] }),
    expected: { category: 'PVCPending', action: 'none' } });
}

// ---------- DeploymentRolloutStuck ----------
const stuckConditions = (name, hash) => [
  { type: 'Available', status: 'True', lastUpdateTime: t(40 * DAY), lastTransitionTime: t(40 * DAY), reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
  { type: 'Progressing', status: 'False', lastUpdateTime: t(12 * MIN), lastTransitionTime: t(12 * MIN), reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}-${hash}" has timed out progressing.` }];
{
  const a = app({ ns: 'payments', name: 'fraud-scorer', image: 'ghcr.io/acme/fraud-scorer:3.0.0', prevImage: 'ghcr.io/acme/fraud-scorer:2.9.4', replicas: 3, revision: 16, hash: '58cf6d9b7', prevHash: '7fd6b8c94', prevReady: 3, rsCreated: 23 * MIN,
    depStatus: { updatedReplicas: 1, unavailableReplicas: 1, replicas: 4 }, conditions: stuckConditions('fraud-scorer', '58cf6d9b7'),
    pods: [{ state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=fraud-scorer'), lastState: terminated('Error', 1, 5 * MIN, 5 * MIN - 700), ready: false, restartCount: 9, created: 23 * MIN }, { ...healthy(20 * DAY), prev: true }, { ...healthy(20 * DAY), prev: true }, { ...healthy(20 * DAY), prev: true }] });
  add('rollout-stuck-crashing-new-pods', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentRolloutStuck', labels: { namespace: 'payments', deployment: 'fraud-scorer', job: 'kube-state-metrics', condition: 'Progressing', status: 'false' }, startsAgo: 11 * MIN, summary: 'Deployment rollout is not progressing.', description: 'Rollout of deployment payments/fraud-scorer is not progressing for longer than 15 minutes.', expr: 'kube_deployment_status_condition{condition="Progressing", status="false",job="kube-state-metrics"} != 0' }) },
    kubernetes: kube(a, { events: [backoff('payments', a.podNames[0], 'fraud-scorer', 40), event({ ns: 'payments', kind: 'Deployment', name: 'fraud-scorer', reason: 'ScalingReplicaSet', type: 'Normal', message: 'Scaled up replica set fraud-scorer-58cf6d9b7 to 1', component: 'deployment-controller', firstAgo: 23 * MIN, lastAgo: 23 * MIN })],
      logs: { [`payments/${a.podNames[0]}/fraud-scorer#previous`]: 'Error: model file /models/fraud-v3.onnx: no such file or directory\n' } }),
    expected: { category: 'DeploymentRolloutStuck', action: 'deployments_rollout_undo' } });
}
{
  const msg = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  const big = [container({ name: 'etl', image: 'ghcr.io/acme/etl-api:1.7.0', requests: { cpu: '6', memory: '4Gi' }, limits: { cpu: '6', memory: '4Gi' } })];
  const small = [container({ name: 'etl', image: 'ghcr.io/acme/etl-api:1.6.9', requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } })];
  const a = app({ ns: 'data', name: 'etl-api', containers: big, prevContainers: small, replicas: 2, revision: 9, hash: '6c4d8f7b9', prevHash: '5b7c9d6f8', prevReady: 2, rsCreated: 30 * MIN,
    depStatus: { updatedReplicas: 1, unavailableReplicas: 1, replicas: 3 }, conditions: stuckConditions('etl-api', '6c4d8f7b9'),
    pods: [{ scheduled: false, schedMessage: msg, phase: 'Pending', ready: false, created: 30 * MIN }, { ...healthy(9 * DAY), prev: true }, { ...healthy(9 * DAY), prev: true }] });
  add('rollout-stuck-new-pods-unschedulable', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentRolloutStuck', labels: { namespace: 'data', deployment: 'etl-api', condition: 'Progressing', status: 'false' }, startsAgo: 12 * MIN, summary: 'Deployment rollout is not progressing.', expr: 'kube_deployment_status_condition{condition="Progressing", status="false"} != 0' }) },
    kubernetes: kube(a, { events: [event({ ns: 'data', name: a.podNames[0], reason: 'FailedScheduling', message: msg, count: 8, component: 'default-scheduler' })] }),
    expected: { category: 'DeploymentRolloutStuck', action: 'deployments_rollout_undo' } });
}
{
  const a = app({ ns: 'partners', name: 'webhook-relay', image: 'ghcr.io/acme/webhook-relay:0.1.0', replicas: 2, revision: 1, hash: '7b8c6d5f4', rsCreated: 26 * MIN, conditions: [
    { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "webhook-relay-7b8c6d5f4" has timed out progressing.' }],
    depStatus: { readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2 },
    pods: [{ state: running(25 * MIN), ready: false, created: 26 * MIN }, { state: running(25 * MIN), ready: false, created: 26 * MIN }] });
  add('rollout-stuck-first-release', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentRolloutStuck', labels: { namespace: 'partners', deployment: 'webhook-relay' }, startsAgo: 11 * MIN, summary: 'Deployment rollout is not progressing.', expr: 'kube_deployment_status_condition{condition="Progressing", status="false"} != 0' }) },
    kubernetes: kube(a, { events: a.podNames.map((p) => event({ ns: 'partners', name: p, reason: 'Unhealthy', message: 'Readiness probe failed: Get "http://10.0.5.21:8080/ready": dial tcp 10.0.5.21:8080: connect: connection refused', count: 150 })) }),
    expected: { category: 'DeploymentRolloutStuck', action: 'none' } });
}

// ---------- Unknown ----------
add('unknown-target-down', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'TargetDown', labels: { job: 'blackbox-exporter', service: 'blackbox-exporter' }, summary: 'One or more targets are unreachable.', description: '100% of the blackbox-exporter/blackbox-exporter targets in monitoring namespace are down.', expr: '100 * (count(up == 0) BY (cluster, job, namespace, service) / count(up) BY (cluster, job, namespace, service)) > 10' }) },
  expected: { category: 'Unknown', action: 'none' } });
{
  const a = app({ ns: 'shop', name: 'frontend', image: 'ghcr.io/acme/frontend:9.1.0', replicas: 2, revision: 44, rsCreated: 8 * DAY, pods: [healthy(), healthy()] });
  add('unknown-healthy-pod-misleading-label', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubePodCrashLooping', labels: { namespace: 'shop', pod: a.podNames[1], container: 'frontend', reason: 'CrashLoopBackOff' }, startsAgo: 2 * MIN, summary: 'Pod is crash looping.', expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1' }) },
    kubernetes: kube(a, { events: [event({ ns: 'shop', name: a.podNames[1], reason: 'Pulled', type: 'Normal', message: 'Container image "ghcr.io/acme/frontend:9.1.0" already present on machine' })] }),
    expected: { category: 'Unknown', action: 'none' } });
}


// ---------- harder cases ----------
{
  const a = app({ ns: 'shop', name: 'search-ui', image: 'ghcr.io/acme/search-ui:5.0.3', replicas: 3, revision: 8, rsCreated: 9 * DAY, pods: [
    { state: running(2 * DAY), ready: false }, { state: running(2 * DAY), ready: false }, { state: running(2 * DAY), ready: false }] });
  add('probe-all-pods-dependency-down', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeDeploymentReplicasMismatch', labels: { namespace: 'shop', deployment: 'search-ui' }, startsAgo: 15 * MIN, summary: 'Deployment has not matched the expected number of replicas.', expr: 'kube_deployment_spec_replicas > kube_deployment_status_replicas_available' }) },
    kubernetes: kube(a, { events: a.podNames.map((p) => event({ ns: 'shop', name: p, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 90 })),
      logs: { [`shop/${a.podNames[0]}/search-ui`]: 'ERROR ready check: elasticsearch http://es-main.search:9200 unreachable: connect ECONNREFUSED 10.0.7.40:9200\n' } }),
    expected: { category: 'ProbeFailure', action: 'none' } });
}
{
  const { a, metrics } = cpuApp('shop', 'image-resizer', 3, '1', ['640m', '590m', '610m']);
  add('cpu-moderate-no-action', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'ContainerCPUUsageHigh', severity: 'info', labels: { namespace: 'shop', pod: a.podNames[0], container: 'image-resizer' }, summary: 'CPU usage above 50% of the request', expr: 'rate(container_cpu_usage_seconds_total{container="image-resizer"}[5m]) / on (pod) kube_pod_container_resource_requests{resource="cpu"} > 0.5' }) },
    kubernetes: kube(a, { metrics }), expected: { category: 'HighCPU', action: 'none' } });
}
{
  const cs = [container({ name: 'etl', image: 'ghcr.io/acme/etl-runner:2.0.1', requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } })];
  const a = app({ ns: 'data', name: 'etl-runner', containers: cs, replicas: 1, revision: 4, pods: [{ state: running(90_000), lastState: terminated('OOMKilled', 137, 20 * MIN, 95_000), ready: true, restartCount: 3 }] });
  add('memory-alert-actually-oomkilled', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'KubeMemoryOvercommit', labels: { namespace: 'data', pod: a.podNames[0] }, summary: 'Memory of pod data/etl-runner near its limit', expr: 'container_memory_working_set_bytes{namespace="data"} / container_spec_memory_limit_bytes > 0.9' }) },
    kubernetes: kube(a, { metrics: { [`data/${a.podNames[0]}`]: { cpu: '420m', memory: '811Mi' } } }), expected: { category: 'OOMKilled', action: 'resources_patch' } });
}
{
  const a = app({ ns: 'shop', name: 'wishlist', image: 'ghcr.io/acme/wishlist:1.2.0', replicas: 2, revision: 6, rsCreated: 20 * DAY, pods: [
    healthy(), { state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=wishlist'), lastState: terminated('Error', 1, 5 * MIN, 5 * MIN - 900), ready: false, restartCount: 17 }] });
  add('errors-alert-pod-crashlooping', { alert: { source: 'alertmanager', payload: alertmanager({ alertname: 'HighErrorRate', severity: 'critical', labels: { namespace: 'shop', deployment: 'wishlist' }, summary: 'wishlist 5xx ratio above 10%', expr: 'sum(rate(http_requests_total{app="wishlist",code=~"5.."}[5m])) / sum(rate(http_requests_total{app="wishlist"}[5m])) > 0.1' }) },
    kubernetes: kube(a, { events: [backoff('shop', a.podNames[1], 'wishlist', 70)], logs: { [`shop/${a.podNames[1]}/wishlist#previous`]: 'FATAL: could not connect to mongodb://wishlist-mongo:27017: connection refused\n' } }),
    expected: { category: 'CrashLoopBackOff', action: 'pods_delete' } });
}
{
  const ns = 'tools';
  const a = app({ ns, name: 'admin-panel', image: 'ghcr.io/Acme/admin-panel:1.0', replicas: 1, revision: 1, rsCreated: 20 * MIN, pods: [{ state: waiting('InvalidImageName', 'Failed to apply default image tag "ghcr.io/Acme/admin-panel:1.0": couldn\'t parse image name "ghcr.io/Acme/admin-panel:1.0": invalid reference format: repository name must be lowercase'), ready: false, created: 20 * MIN }] });
  add('imagepull-invalid-name', { alert: { source: 'alertmanager', payload: notReadyAlert(ns, a.podNames[0]) }, kubernetes: kube(a, { events: [event({ ns, name: a.podNames[0], reason: 'InspectFailed', message: 'Failed to apply default image tag "ghcr.io/Acme/admin-panel:1.0": couldn\'t parse image name "ghcr.io/Acme/admin-panel:1.0": invalid reference format: repository name must be lowercase', count: 100 }),
    event({ ns, name: a.podNames[0], reason: 'Failed', message: 'Error: InvalidImageName', count: 100 })] }),
    expected: { category: 'ImagePullBackOff', action: 'none' } });
}
{
  const a = app({ ns: 'video', name: 'transcoder', image: 'ghcr.io/acme/transcoder:0.33.1', prevImage: 'ghcr.io/acme/transcoder:0.33.0', replicas: 2, revision: 5, prevReady: 0, rsCreated: 4 * DAY, pods: [
    { state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=transcoder'), lastState: terminated('Error', 139, 7 * MIN, 7 * MIN - 40_000), ready: false, restartCount: 4 }, healthy(4 * DAY)] });
  add('crashloop-segfault-settled-release', { alert: { source: 'alertmanager', payload: crashLoopAlert('video', a.podNames[0], 'transcoder') }, kubernetes: kube(a, {
    events: [backoff('video', a.podNames[0], 'transcoder', 9)], logs: { [`video/${a.podNames[0]}/transcoder#previous`]: '[h264 @ 0x55d0c8a3e2c0] corrupt input packet in stream 0\nSegmentation fault (core dumped)\n' } }),
    expected: { category: 'CrashLoopBackOff', action: 'pods_delete' } });
}

for (const [name, s] of Object.entries(scenarios)) writeFileSync(`${out}/${name}.json`, JSON.stringify(s, null, 2) + '\n');
console.log(Object.keys(scenarios).length, 'scenarios');
