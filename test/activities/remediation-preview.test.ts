import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createRemediationPreviewActivities } from '../../activities/remediation-preview.js';
import type { Remediation } from '../../core/diagnosis.js';
import type { RemediationPreview } from '../../core/incident.js';
import { DEMO_NAMESPACE as ns, DEMO_POD, DEMO_POD_UID, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { buildKubernetes } from '../../worker/clients.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const deployment = { kind: 'Deployment' as const, namespace: ns, name: 'cart' };
const proposals: Remediation[] = [
  { id: 'p1', action: 'pods_delete', target: { kind: 'Pod', namespace: ns, name: DEMO_POD, uid: DEMO_POD_UID }, params: {}, rationale: '' },
  { id: 'p2', action: 'resources_patch', target: deployment, params: { container: 'cart', limits: { memory: '384Mi' } }, rationale: '' },
  { id: 'p3', action: 'deployments_scale', target: deployment, params: { replicas: 3 }, rationale: '' },
  { id: 'p4', action: 'deployments_rollout_restart', target: deployment, params: {}, rationale: '' },
  { id: 'p5', action: 'deployments_rollout_undo', target: deployment, params: {}, rationale: '' },
  { id: 'p6', action: 'argocd_sync_application', target: { kind: 'Application', name: 'cart' }, params: {}, rationale: '' },
  { id: 'p7', action: 'none', target: { kind: 'None' }, params: {}, rationale: '' },
];

let server: KubernetesTestServer;
let dir: string;
let preview: (proposals: Remediation[]) => Promise<Record<string, RemediationPreview>>;

beforeAll(async () => {
  server = new KubernetesTestServer({ recreateDeletedPods: false });
  await server.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-preview-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  server.writeKubeconfig(kubeconfig);
  const activities = createRemediationPreviewActivities({ kubernetes: buildKubernetes({ kubeconfig }) });
  const env = new MockActivityEnvironment({ activityType: 'previewRemediations' }, { logger: quietLogger });
  preview = async (list) => (await env.run(activities.previewRemediations, { proposals: list })) as Record<string, RemediationPreview>;
});
beforeEach(() => {
  server.load(demoWorld());
  server.clearRecords();
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every action is previewed by a server-side dry run (or history), and nothing in the cluster changes', async () => {
  const before = server.get('Deployment', ns, 'cart');
  const previews = await preview(proposals);
  expect(previews).toEqual({
    p1: { ok: true, text: `would delete pod ${ns}/${DEMO_POD} (14 restarts, CrashLoopBackOff); ReplicaSet cart-7d9f8b6c5 starts a replacement (dry run accepted)` },
    p2: { ok: true, text: 'container cart: memory limit 256Mi → 384Mi; the pods roll one by one (dry run accepted)' },
    p3: { ok: true, text: 'replicas 1 → 3 (dry run accepted)' },
    p4: { ok: true, text: `would replace the 1 pod of ${ns}/cart one by one (a new revision after 3) (dry run accepted)` },
    p5: {
      ok: true,
      text: 'would go back from revision 3 (ghcr.io/acme/cart:1.8.2) to revision 2 (ghcr.io/acme/cart:1.8.1, ReplicaSet cart-6b8d5f7c9); '
        + 'no dry run: preview from ReplicaSet history',
    },
    p6: { ok: true, text: 'ArgoCD sync: no server-side preview' },
  });
  // Four writes reached the apiserver, every one of them a dry run; the objects are as they were.
  expect(server.mutations.map((m) => [m.verb, m.kind, m.dryRun])).toEqual([
    ['delete', 'Pod', true], ['patch', 'Deployment', true], ['patch', 'Deployment', true], ['patch', 'Deployment', true],
  ]);
  expect(server.requests.filter((r) => r.method !== 'GET').every((r) => r.path.includes('dryRun=All'))).toBe(true);
  expect(server.get('Pod', ns, DEMO_POD)?.metadata.uid).toBe(DEMO_POD_UID);
  expect(server.get('Deployment', ns, 'cart')).toEqual(before);
});

test('a 403 from the dry run becomes a readable refusal; the other proposals are still previewed', async () => {
  server.failNext({ method: 'PATCH', pathIncludes: '/deployments/cart' }, 403);
  const previews = await preview(proposals.slice(1, 3));
  expect(previews.p2).toEqual({ ok: false, text: `dry run refused: the service account may not patch deployments in ${ns} (403)` });
  expect(previews.p3).toEqual({ ok: true, text: 'replicas 1 → 3 (dry run accepted)' });
  expect(server.mutations.every((m) => m.dryRun)).toBe(true);
});

test('a pod already replaced, a missing Deployment, an unknown revision and an invalid value are refusals in words', async () => {
  const previews = await preview([
    { ...proposals[0], target: { ...proposals[0].target, uid: 'an-older-uid' } },
    { ...proposals[3], target: { ...deployment, name: 'ghost' } },
    { ...proposals[4], params: { toRevision: 7 } },
    { ...proposals[1], params: { container: 'cart', limits: { memory: 'lots' } } },
  ]);
  expect(previews.p1).toEqual({ ok: false, text: `pod ${ns}/${DEMO_POD} was already replaced (uid ${DEMO_POD_UID} is not the diagnosed an-older-uid)` });
  expect(previews.p4).toEqual({ ok: false, text: `deployment ${ns}/ghost does not exist (404)` });
  expect(previews.p5).toEqual({ ok: false, text: `revision 7 is not in the ReplicaSet history of ${ns}/cart (no dry run: preview from ReplicaSet history)` });
  expect(previews.p2.ok).toBe(false);
  expect(previews.p2.text).toMatch(/^dry run rejected the change: .*\((400|422)\)$/);
  expect(server.mutations.every((m) => m.dryRun)).toBe(true);
});

test('server errors throw so Temporal retries the preview', async () => {
  server.failNext({ method: 'DELETE', pathIncludes: `/pods/${DEMO_POD}` }, 503);
  await expect(preview([proposals[0]])).rejects.toThrow();
});

test('without a cluster, Kubernetes previews say so and ArgoCD still answers', async () => {
  const { previewRemediations } = createRemediationPreviewActivities({});
  const env = new MockActivityEnvironment({ activityType: 'previewRemediations' }, { logger: quietLogger });
  const previews = await env.run(previewRemediations, { proposals: [proposals[0], proposals[5], proposals[6]] });
  expect(previews).toEqual({
    p1: { ok: false, text: 'Kubernetes is not configured (set KUBECONFIG); nothing could be previewed.' },
    p6: { ok: true, text: 'ArgoCD sync: no server-side preview' },
  });
});
