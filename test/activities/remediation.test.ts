import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createRemediationActivities, type RemediationLedger } from '../../activities/remediation.js';
import type { Remediation } from '../../core/diagnosis.js';
import type { RemediationOutcome } from '../../core/incident.js';
import { ArgoCdTestServer, DEMO_APP, demoApplications } from '../../sandbox/argocd/server.js';
import { DEMO_NAMESPACE as ns, DEMO_POD, DEMO_POD_UID, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import { buildKubernetes } from '../../worker/clients.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const deployment = { kind: 'Deployment' as const, namespace: ns, name: 'cart' };
const undo: Remediation = { id: 'p1', action: 'deployments_rollout_undo', target: deployment, params: {}, rationale: '' };
const sync: Remediation = { id: 'p2', action: 'argocd_sync_application', target: { kind: 'Application', namespace: 'argocd', name: DEMO_APP }, params: {}, rationale: '' };
const restartAction: Remediation = {
  id: 'p3', action: 'argocd_run_resource_action', target: { kind: 'Application', namespace: 'argocd', name: DEMO_APP },
  params: { action: 'restart', kind: 'Deployment', namespace: ns, name: 'cart' }, rationale: '',
};

let kube: KubernetesTestServer;
let argo: ArgoCdTestServer;
let dir: string;
let kubeconfig: string;
let ledger: RemediationLedger & { rows: Map<string, RemediationOutcome> };

beforeAll(async () => {
  kube = new KubernetesTestServer();
  argo = new ArgoCdTestServer({ completeOperationsAfterMs: 30 });
  await Promise.all([kube.start(), argo.start()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-remediation-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  kube.writeKubeconfig(kubeconfig);
});
beforeEach(() => {
  kube.load(demoWorld());
  kube.clearRecords();
  argo.load(demoApplications());
  argo.mutations.length = 0;
  const rows = new Map<string, RemediationOutcome>();
  ledger = { rows, find: async (k) => rows.get(k), record: async (k, o) => void rows.set(k, o) };
});
afterAll(async () => {
  await Promise.all([kube?.stop(), argo?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs executeRemediation as attempt `attempt` of an activity scheduled at `scheduledTimestampMs`. */
async function run(proposal: Remediation, key = `wf-1/${proposal.id}`, info: { attempt?: number; scheduledTimestampMs?: number } = {}) {
  const { executeRemediation } = createRemediationActivities({
    kubernetes: buildKubernetes({ kubeconfig }), argocd: { baseUrl: argo.url, token: argo.token }, ledger,
  });
  const env = new MockActivityEnvironment({ activityType: 'executeRemediation', ...info }, { logger: quietLogger });
  return (await env.run(executeRemediation, { idempotencyKey: key, proposal, approvedBy: 'U1' })) as RemediationOutcome;
}
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ApplicationFailure);
const real = () => kube.mutations.filter((m) => !m.dryRun);

describe('deployments_rollout_undo', () => {
  test('copies the previous revision\'s template onto the Deployment, dry run first, and says before → after', async () => {
    const outcome = await run(undo);
    expect(outcome).toEqual({
      proposalId: 'p1', ok: true,
      summary: 'Deployment shop/cart rolled back from revision 3 (image ghcr.io/acme/cart:1.8.2) to revision 2 (image ghcr.io/acme/cart:1.8.1).',
    });
    expect(kube.mutations.map((m) => `${m.verb} ${m.name} dryRun=${m.dryRun}`)).toEqual(['patch cart dryRun=true', 'patch cart dryRun=false']);
    const after = kube.get('Deployment', ns, 'cart')!;
    expect(after.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/cart:1.8.1');
    expect(after.spec.template.metadata.labels['pod-template-hash']).toBeUndefined();
    // The controller scaled the old ReplicaSet back up and gave it the next revision, as kubectl rollout undo does.
    expect(after.metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');
    expect(after.metadata.annotations['lookout.dev/remediation']).toBe('wf-1/p1');
  });

  test('a retry after the patch (ledger not yet written) finds its own annotation and changes nothing', async () => {
    await run(undo);
    ledger.rows.clear();
    kube.clearRecords();
    const again = await run(undo);
    expect(again.summary).toBe('Deployment shop/cart was already rolled back by this approval (now revision 4, image ghcr.io/acme/cart:1.8.1); nothing more to do.');
    expect(real()).toEqual([]);
  });

  test('refuses clearly when there is no previous revision, or no such toRevision', async () => {
    const world = demoWorld();
    world.replicaSets = world.replicaSets!.filter((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '3');
    kube.load(world);
    const err = await failure(run(undo));
    expect(err).toMatchObject({ type: 'Invalid', nonRetryable: true });
    expect(err.message).toBe('Deployment shop/cart has no revision before 3 to roll back to (ReplicaSet revisions: 3); nothing was changed.');
    kube.load(demoWorld());
    expect((await failure(run({ ...undo, params: { toRevision: 1 } }))).message).toBe(
      'Deployment shop/cart has no revision 1 (ReplicaSet revisions: 3, 2); nothing was changed.',
    );
    expect(kube.mutations).toEqual([]);
  });
});

describe('Kubernetes refusals', () => {
  test('a 403 on the patch is a non-retryable Forbidden naming the verb, resource, group and namespace', async () => {
    kube.failNext({ method: 'PATCH' }, 403);
    const err = await failure(run({ ...undo, action: 'deployments_rollout_restart' }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(err.message).toContain('the service account may not patch deployments in namespace shop: add verb patch on deployments (apps) to its Role');
  });

  test('a 403 on a read before acting is Forbidden too (not retried forever)', async () => {
    kube.failNext({ method: 'GET', pathIncludes: '/pods/' }, 403);
    const err = await failure(run({ id: 'p9', action: 'pods_delete', target: { kind: 'Pod', namespace: ns, name: DEMO_POD, uid: DEMO_POD_UID }, params: {}, rationale: '' }));
    expect(err).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(err.message).toContain('may not get pods in namespace shop: add verb get on pods (core) to its Role');
  });

  test('a pod recreated under the same name after the remediation began is not deleted on a retry', async () => {
    const pod = { id: 'p8', action: 'pods_delete' as const, target: { kind: 'Pod' as const, namespace: ns, name: DEMO_POD }, params: {}, rationale: '' };
    const outcome = await run(pod, 'wf-1/p8', { attempt: 1, scheduledTimestampMs: Date.now() - 60_000 });
    expect(outcome.summary).toMatch(/^Deleted pod shop\/cart-7d9f8b6c5-x2k4p: uid .*, 14 restarts, CrashLoopBackOff → gone/);
    kube.load({ ...demoWorld(), pods: demoWorld(Date.now() + 3 * 86_400_000).pods });
    ledger.rows.clear();
    kube.clearRecords();
    const again = await run(pod, 'wf-1/p8', { attempt: 3, scheduledTimestampMs: Date.now() - 60_000 });
    expect(again.summary).toMatch(/was already replaced \(created .*, after this remediation began\); nothing deleted\.$/);
    expect(real()).toEqual([]);
  });
});

describe('ArgoCD', () => {
  test('argocd_sync_application: dry run, then the real sync marked with the approval, summarised before → after', async () => {
    const outcome = await run(sync);
    expect(outcome.summary).toMatch(/^ArgoCD application cart synced: Synced at 8c2e1f0 → Synced at main \(operation Succeeded: successfully synced/);
    expect(argo.mutations.map((m) => m.dryRun)).toEqual([true, false]);
    expect(argo.mutations[1].body.infos).toEqual([{ name: 'lookout.dev/remediation', value: 'wf-1/p2' }]);
    ledger.rows.clear();
    const again = await run(sync);
    expect(again.summary).toMatch(/this approval's sync already ran .*nothing more to do\.$/);
    expect(argo.mutations).toHaveLength(2);
  });

  test('a sync the token may not do is Forbidden, naming the ArgoCD policy', async () => {
    argo.refuseSync(DEMO_APP);
    const err = await failure(run(sync));
    expect(err).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(err.message).toContain('"applications, sync, ');
  });

  test('argocd_run_resource_action restarts a Deployment once; a retry of the same approval finds the restart', async () => {
    const began = Date.now() - 1000;
    const outcome = await run(restartAction, 'wf-1/p3', { attempt: 1, scheduledTimestampMs: began });
    expect(outcome.summary).toMatch(/^ArgoCD ran restart on Deployment shop\/cart of application cart \(approval wf-1\/p3\): restartedAt never → \d{4}-/);
    expect(argo.mutations).toEqual([expect.objectContaining({ action: 'resource-action', resourceAction: 'restart' })]);
    ledger.rows.clear();
    const again = await run(restartAction, 'wf-1/p3', { attempt: 2, scheduledTimestampMs: began });
    expect(again.summary).toMatch(/^ArgoCD already ran restart on Deployment shop\/cart for this approval/);
    expect(argo.mutations).toHaveLength(1);
  });

  test('a resource action the token may not run is Forbidden; an action ArgoCD does not offer is Invalid', async () => {
    expect((await failure(run({ ...restartAction, params: { ...restartAction.params, action: 'pause' } }))).message)
      .toBe('ArgoCD offers no action pause on Deployment shop/cart (available: restart); nothing was changed.');
    argo.refuseActions(DEMO_APP);
    const err = await failure(run(restartAction));
    expect(err).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(err.message).toContain('"applications, action/apps/Deployment/restart, ');
  });
});
