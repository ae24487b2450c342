import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { log } from '@temporalio/activity';
import type { Remediation } from '../core/diagnosis.js';
import type { RemediationPreview } from '../core/incident.js';
import type { PodLike, ReplicaSetLike } from '../core/kubernetes-facts.js';
import { apiMessage, apiStatus } from './kubernetes-errors.js';
import type { KubernetesDeps } from './kubernetes.js';

export interface PreviewRemediationsInput {
  proposals: Remediation[];
}

const strategicMerge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const REVISION = 'deployment.kubernetes.io/revision';
const NOT_CONFIGURED = 'Kubernetes is not configured (set KUBECONFIG); nothing could be previewed.';

/** A refusal the apiserver gave for good (permission, missing object, invalid change): shown, never retried. */
class Refused extends Error {}

type Containers = { name: string; image?: string; resources?: { limits?: Record<string, string>; requests?: Record<string, string> } }[];

/**
 * What each proposal would change, asked of the apiserver with `dryRun: All` before anyone approves: nothing is
 * changed. A refusal becomes `{ok: false}` in plain words; network errors and 5xx throw so Temporal retries.
 */
export function createRemediationPreviewActivities({ kubernetes }: KubernetesDeps) {
  async function previewRemediations({ proposals }: PreviewRemediationsInput): Promise<Record<string, RemediationPreview>> {
    const previews: Record<string, RemediationPreview> = {};
    for (const proposal of proposals) {
      if (proposal.action === 'none') continue;
      try {
        previews[proposal.id] = await preview(proposal);
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        previews[proposal.id] = { ok: false, text: err.message };
        log.warn('remediation preview refused', { proposalId: proposal.id, action: proposal.action, reason: err.message });
      }
    }
    return previews;
  }

  async function preview(proposal: Remediation): Promise<RemediationPreview> {
    if (proposal.action === 'argocd_sync_application') return { ok: true, text: 'ArgoCD sync: no server-side preview' };
    if (!kubernetes) return { ok: false, text: NOT_CONFIGURED };
    const { namespace, name, uid } = proposal.target;
    if (!namespace || !name) return { ok: false, text: 'the proposal names no target object, so nothing could be previewed' };
    switch (proposal.action) {
      case 'pods_delete':
        return await deletePod(namespace, name, uid);
      case 'resources_patch':
        return await patchResources(namespace, name, proposal.params);
      case 'deployments_scale':
        return await scale(namespace, name, proposal.params);
      case 'deployments_rollout_restart':
        return await restart(namespace, name);
      case 'deployments_rollout_undo':
        return await undo(namespace, name, proposal.params);
      default:
        return { ok: false, text: `Lookout cannot preview '${proposal.action}'` };
    }
  }

  async function deletePod(namespace: string, name: string, uid: string | undefined): Promise<RemediationPreview> {
    const pod = await attempt(() => kubernetes!.core.readNamespacedPod({ name, namespace }), 'get', 'pods', namespace, `pod ${namespace}/${name}`) as PodLike;
    if (uid && pod.metadata?.uid !== uid) {
      return { ok: false, text: `pod ${namespace}/${name} was already replaced (uid ${pod.metadata?.uid} is not the diagnosed ${uid})` };
    }
    // The same uid precondition as the real delete, so the dry run fails exactly when the real call would.
    const body = { preconditions: { uid: pod.metadata?.uid } };
    await attempt(() => kubernetes!.core.deleteNamespacedPod({ name, namespace, body, dryRun: 'All' }), 'delete', 'pods', namespace, `pod ${namespace}/${name}`);
    const owner = pod.metadata?.ownerReferences?.[0];
    const after = owner ? `${owner.kind} ${owner.name} starts a replacement` : 'it has no controller, so nothing replaces it';
    return { ok: true, text: `would delete pod ${namespace}/${name} (${describePod(pod)}); ${after} (dry run accepted)` };
  }

  async function patchResources(namespace: string, name: string, params: Record<string, unknown>): Promise<RemediationPreview> {
    const container = typeof params.container === 'string' ? params.container : undefined;
    const limits = quantities(params.limits);
    const requests = quantities(params.requests);
    if (!container || (!limits && !requests)) return { ok: false, text: 'resources_patch needs params.container and params.limits or params.requests' };
    const current = await readDeployment(namespace, name);
    const before = (current.spec?.template?.spec?.containers as Containers | undefined)?.find((c) => c.name === container);
    if (!before) return { ok: false, text: `deployment ${namespace}/${name} has no container ${container}` };
    const resources = { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
    const body = { spec: { template: { spec: { containers: [{ name: container, resources }] } } } };
    const patched = await attempt(
      () => kubernetes!.apps.patchNamespacedDeployment({ name, namespace, body, dryRun: 'All' }, strategicMerge),
      'patch', 'deployments', namespace, `deployment ${namespace}/${name}`,
    );
    const after = (patched.spec?.template?.spec?.containers as Containers | undefined)?.find((c) => c.name === container)?.resources ?? resources;
    const changes = [
      ...resourceChanges('limit', limits, before.resources?.limits, after.limits),
      ...resourceChanges('request', requests, before.resources?.requests, after.requests),
    ];
    return { ok: true, text: `container ${container}: ${changes.join(', ')}; the pods roll one by one (dry run accepted)` };
  }

  async function scale(namespace: string, name: string, params: Record<string, unknown>): Promise<RemediationPreview> {
    const replicas = Number(params.replicas);
    if (!Number.isInteger(replicas) || replicas < 0) return { ok: false, text: 'deployments_scale needs params.replicas, a whole number >= 0' };
    const what = `deployment ${namespace}/${name}`;
    const current = await attempt(() => kubernetes!.apps.readNamespacedDeploymentScale({ name, namespace }), 'get', 'deployments/scale', namespace, what);
    const before = current.spec?.replicas ?? 0;
    if (before === replicas) return { ok: true, text: `${what} already has ${replicas} replicas; nothing would change` };
    const body = { spec: { replicas } };
    await attempt(
      () => kubernetes!.apps.patchNamespacedDeploymentScale({ name, namespace, body, dryRun: 'All' }, mergePatch),
      'patch', 'deployments/scale', namespace, what,
    );
    return { ok: true, text: `replicas ${before} → ${replicas} (dry run accepted)` };
  }

  async function restart(namespace: string, name: string): Promise<RemediationPreview> {
    const current = await readDeployment(namespace, name);
    const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
    await attempt(
      () => kubernetes!.apps.patchNamespacedDeployment({ name, namespace, body, dryRun: 'All' }, strategicMerge),
      'patch', 'deployments', namespace, `deployment ${namespace}/${name}`,
    );
    const replicas = current.spec?.replicas ?? 1;
    const revision = current.metadata?.annotations?.[REVISION];
    return {
      ok: true,
      text: `would replace the ${replicas} pod${replicas === 1 ? '' : 's'} of ${namespace}/${name} one by one`
        + `${revision ? ` (a new revision after ${revision})` : ''} (dry run accepted)`,
    };
  }

  async function undo(namespace: string, name: string, params: Record<string, unknown>): Promise<RemediationPreview> {
    const deployment = await readDeployment(namespace, name);
    const labelSelector = Object.entries(deployment.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const list = await attempt(
      () => kubernetes!.apps.listNamespacedReplicaSet({ namespace, labelSelector }), 'list', 'replicasets', namespace, `ReplicaSets in ${namespace}`,
    );
    const sets = (list.items as ReplicaSetLike[])
      .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name))
      .filter((rs) => Number.isFinite(revisionOf(rs)))
      .sort((a, b) => revisionOf(b) - revisionOf(a));
    const currentRevision = Number(deployment.metadata?.annotations?.[REVISION] ?? revisionOf(sets[0] ?? {}));
    const wanted = params.toRevision === undefined ? undefined : Number(params.toRevision);
    const target = wanted === undefined ? sets.find((rs) => revisionOf(rs) < currentRevision) : sets.find((rs) => revisionOf(rs) === wanted);
    const how = 'no dry run: preview from ReplicaSet history';
    if (!target) {
      const which = wanted === undefined ? 'no earlier revision' : `revision ${wanted} is not`;
      return { ok: false, text: `${which} in the ReplicaSet history of ${namespace}/${name} (${how})` };
    }
    const current = sets.find((rs) => revisionOf(rs) === currentRevision);
    const from = current ? `revision ${currentRevision} (${images(current)})` : `revision ${currentRevision}`;
    return { ok: true, text: `would go back from ${from} to revision ${revisionOf(target)} (${images(target)}, ReplicaSet ${target.metadata?.name}); ${how}` };
  }

  async function readDeployment(namespace: string, name: string) {
    return await attempt(() => kubernetes!.apps.readNamespacedDeployment({ name, namespace }), 'get', 'deployments', namespace, `deployment ${namespace}/${name}`);
  }

  return { previewRemediations };
}

/** Runs one API call; a refusal that no retry can change becomes Refused, in words a person can act on. */
async function attempt<T>(fn: () => Promise<T>, verb: string, resource: string, namespace: string, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = apiStatus(err);
    if (status === 401 || status === 403) {
      throw new Refused(`dry run refused: the service account may not ${verb} ${resource} in ${namespace} (${status})`);
    }
    if (status === 404) throw new Refused(`${what} does not exist (404)`);
    if (status === 409) throw new Refused(`${what} changed since the diagnosis: ${apiMessage(err)} (409)`);
    if (status === 400 || status === 422) throw new Refused(`dry run rejected the change: ${apiMessage(err)} (${status})`);
    throw err;
  }
}

function quantities(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, q]) => typeof q === 'string' || typeof q === 'number');
  return entries.length ? Object.fromEntries(entries.map(([k, q]) => [k, String(q)])) : undefined;
}

/** `memory limit 256Mi → 384Mi` for each resource the proposal sets. */
function resourceChanges(
  kind: 'limit' | 'request', wanted: Record<string, string> | undefined, before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
): string[] {
  return Object.keys(wanted ?? {}).map((resource) => `${resource} ${kind} ${before?.[resource] ?? 'unset'} → ${after?.[resource] ?? wanted![resource]}`);
}

function revisionOf(rs: ReplicaSetLike): number {
  return Number(rs.metadata?.annotations?.[REVISION]);
}

function images(rs: ReplicaSetLike): string {
  return (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? c.name).join(', ') || 'no containers';
}

function describePod(pod: PodLike): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const waiting = statuses.map((c) => c.state?.waiting?.reason).find(Boolean);
  return `${restarts} restart${restarts === 1 ? '' : 's'}${waiting ? `, ${waiting}` : ''}`;
}
