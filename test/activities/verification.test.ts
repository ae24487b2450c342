import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createRemediationActivities, type RemediationLedger } from '../../activities/remediation.js';
import { createVerificationActivities } from '../../activities/verification.js';
import type { Alert } from '../../core/alert.js';
import type { Remediation } from '../../core/diagnosis.js';
import type { RemediationOutcome } from '../../core/incident.js';
import { DEMO_NAMESPACE as ns, DEMO_POD, DEMO_POD_UID, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { PrometheusTestServer } from '../../sandbox/prometheus/server.js';
import { buildKubernetes } from '../../worker/clients.js';

const QUERY = 'sum(rate(http_requests_total{service="cart",code=~"5.."}[5m]))';
const startsAt = '2026-11-21T07:00:00Z';
const t0 = Date.parse(startsAt) / 1000;
const restart: Remediation = { id: 'p1', action: 'deployments_rollout_restart', target: { kind: 'Deployment', namespace: ns, name: 'cart' }, params: {}, rationale: '' };
const deletePod: Remediation = { id: 'p2', action: 'pods_delete', target: { kind: 'Pod', namespace: ns, name: DEMO_POD, uid: DEMO_POD_UID }, params: {}, rationale: '' };
const alert = (query?: Alert['query']): Alert => ({
  key: 'k', source: 'alertmanager', status: 'firing', name: 'CartErrors', severity: 'critical', summary: '', description: '',
  labels: {}, annotations: {}, startsAt, target: { namespace: ns, deployment: 'cart' }, ...(query ? { query } : {}),
});
/** The error rate over time: `before` when the alert fired, `now` at the newest sample. */
const errorRate = (before: string, now: string) => [{ query: QUERY, result: [{ metric: {}, values: [[t0, before], [t0 + 600, now]] }] }];

let kube: KubernetesTestServer;
let prom: PrometheusTestServer;
let dir: string;
let kubeconfig: string;
const memoryLedger = (): RemediationLedger => {
  const rows = new Map<string, RemediationOutcome>();
  return { find: async (k) => rows.get(k), record: async (k, o) => void rows.set(k, o) };
};

beforeAll(async () => {
  kube = new KubernetesTestServer();
  prom = new PrometheusTestServer();
  await Promise.all([kube.start(), prom.start()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-verify-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  kube.writeKubeconfig(kubeconfig);
});
beforeEach(() => {
  kube.load(demoWorld());
  kube.clearRecords();
});
afterAll(async () => {
  await Promise.all([kube?.stop(), prom?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const activities = () => createVerificationActivities({ kubernetes: buildKubernetes({ kubeconfig }), prometheus: { baseUrl: prom.url } });
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const remediate = async (proposal: Remediation) => {
  const { executeRemediation } = createRemediationActivities({ kubernetes: buildKubernetes({ kubeconfig }), ledger: memoryLedger() });
  const env = new MockActivityEnvironment({ activityType: 'executeRemediation' }, { logger: quietLogger });
  return await env.run(executeRemediation, { idempotencyKey: `wf-verify/${proposal.id}`, proposal, approvedBy: 'U1' });
};

test('a restart that worked: new pods Ready with no restarts, and the error rate back under its threshold', async () => {
  prom.load(errorRate('0.4', '0.01'));
  const { restartBaseline, verifyRemediation } = activities();
  const baseline = await restartBaseline({ proposal: restart });
  expect(baseline.restarts).toEqual({ [DEMO_POD]: 14 });
  await remediate(restart);
  const result = await verifyRemediation({ proposal: restart, alert: alert({ query: QUERY, threshold: 0.05 }), baseline });
  expect(result.fixed).toBe(true);
  expect(result.evidence).toEqual([
    expect.stringMatching(/^cart-[a-z0-9]+-[a-z0-9]{5}: Ready, 0 restarts since the fix \(new pod\)$/),
    `${QUERY} = 0.01, under 0.05`,
  ]);
  expect(result.evidence[0]).not.toContain(DEMO_POD);
});

test('before any fix: the crash-looping pod is not Ready and the error rate is still over the threshold', async () => {
  prom.load(errorRate('0.4', '0.2'));
  const { restartBaseline, verifyRemediation } = activities();
  const baseline = await restartBaseline({ proposal: restart });
  const result = await verifyRemediation({ proposal: restart, alert: alert({ query: QUERY, threshold: 0.05 }), baseline });
  expect(result).toEqual({
    fixed: false,
    evidence: [`${DEMO_POD}: not Ready (CrashLoopBackOff), 0 restarts since the fix`, `${QUERY} = 0.2, over 0.05`],
  });
});

test('a deleted pod is judged by its replacement, found through the owner the baseline remembered', async () => {
  const { restartBaseline, verifyRemediation } = activities();
  const baseline = await restartBaseline({ proposal: deletePod });
  expect(baseline).toEqual({ restarts: { [DEMO_POD]: 14 }, owner: { kind: 'ReplicaSet', name: 'cart-7d9f8b6c5' } });
  await remediate(deletePod);
  const result = await verifyRemediation({ proposal: deletePod, alert: alert(), baseline });
  expect(result.fixed).toBe(true);
  expect(result.evidence).toEqual([expect.stringMatching(/^cart-7d9f8b6c5-[a-z0-9]{5}: Ready, 0 restarts since the fix \(new pod\)$/)]);
  // Without a baseline the owner comes from the pod's name.
  expect((await verifyRemediation({ proposal: deletePod, alert: alert() })).fixed).toBe(true);
});

test('restarts that grew since the baseline mean not fixed, even when the pod is Ready', async () => {
  const { verifyRemediation } = activities();
  await remediate(restart);
  const pod = kube.list('Pod', ns)[0];
  const result = await verifyRemediation({ proposal: restart, alert: alert(), baseline: { restarts: { [pod.metadata.name]: -2 } } });
  expect(result).toEqual({ fixed: false, evidence: [`${pod.metadata.name}: Ready, 2 restarts since the fix`] });
});

test('an alert that fires below its threshold is healthy again above it', async () => {
  prom.load(errorRate('0.90', '0.995'));
  const result = await activities().verifyRemediation({ proposal: { ...restart, target: { kind: 'None' } }, alert: alert({ query: QUERY, threshold: 0.99 }) });
  expect(result).toEqual({ fixed: true, evidence: [`${QUERY} = 0.995, over 0.99`] });
});

test('what cannot be checked is said, and is never fixed', async () => {
  const none = createVerificationActivities({});
  expect(await none.restartBaseline({ proposal: restart })).toEqual({ restarts: {} });
  expect(await none.verifyRemediation({ proposal: restart, alert: alert({ query: QUERY, threshold: 0.05 }) })).toEqual({
    fixed: false,
    evidence: [
      'Pods could not be checked: Kubernetes is not configured (set KUBECONFIG).',
      `${QUERY} could not be checked: Prometheus is not configured (set PROMETHEUS_URL)`,
    ],
  });
  const gone = new PrometheusTestServer();
  await gone.start();
  const closedUrl = gone.url;
  await gone.stop();
  await remediate(restart);
  const unreachable = createVerificationActivities({ kubernetes: buildKubernetes({ kubeconfig }), prometheus: { baseUrl: closedUrl } });
  const result = await unreachable.verifyRemediation({ proposal: restart, alert: alert({ query: QUERY, threshold: 0.05 }) });
  expect(result.fixed).toBe(false);
  expect(result.evidence[1]).toMatch(new RegExp(`^${QUERY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be checked: .*unreachable`));
  prom.load([]);
  expect(await activities().verifyRemediation({ proposal: restart, alert: alert({ query: QUERY, threshold: 0.05 }) })).toMatchObject({
    fixed: false, evidence: [expect.any(String), `${QUERY} returned no data now, so recovery could not be confirmed.`],
  });
});

test('after a pod delete, an alert query about that very pod defers to its replacements', async () => {
  const podQuery = `increase(kube_pod_container_status_restarts_total{namespace="shop",pod="${DEMO_POD}"}[10m])`;
  prom.load([{ query: podQuery, result: [{ metric: {}, values: [[t0, '14']] }] }]);
  const { restartBaseline, verifyRemediation } = activities();
  const baseline = await restartBaseline({ proposal: deletePod });
  await remediate(deletePod);
  const result = await verifyRemediation({ proposal: deletePod, alert: alert({ query: podQuery, threshold: 3 }), baseline });
  expect(result).toEqual({
    fixed: true,
    evidence: [
      expect.stringMatching(/: Ready, 0 restarts since the fix \(new pod\)$/),
      `The alert's query is about pod ${DEMO_POD} itself, which was deleted; its replacements were checked instead.`,
    ],
  });
});
