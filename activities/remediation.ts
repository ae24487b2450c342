import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Remediation } from '../core/diagnosis.js';
import type { RemediationOutcome } from '../core/incident.js';
import type { PodLike } from '../core/kubernetes-facts.js';
import type { Metrics } from '../core/metrics.js';
import { createArgoCdRemediation } from './argocd-remediation.js';
import type { ArgoCdDeps } from './argocd.js';
import { apiStatus, toClusterWriteFailure } from './kubernetes-errors.js';
import type { KubernetesDeps } from './kubernetes.js';
import { firstAttemptAt } from './attempt.js';

/** Where finished remediations are remembered, keyed by workflow ID + proposal ID. */
export interface RemediationLedger {
  find(idempotencyKey: string): Promise<RemediationOutcome | undefined>;
  record(idempotencyKey: string, outcome: RemediationOutcome, meta: { workflowId: string; actor: string; action: string }): Promise<void>;
}

export interface ExecuteRemediationInput {
  /** `${workflowId}/${proposalId}`: the same approval can never act twice, whatever retries or restarts happen. */
  idempotencyKey: string;
  proposal: Remediation;
  approvedBy: string;
}

const strategicMerge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
/** Holds the idempotency key of the approval that last changed an object: a retry that finds its own key is done. */
export const CHANGE_ANNOTATION = 'lookout.dev/remediation';
const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

export function createRemediationActivities(
  { kubernetes, argocd, ledger, metrics }: KubernetesDeps & ArgoCdDeps & { ledger: RemediationLedger; metrics?: Metrics },
) {
  const argo = createArgoCdRemediation({ argocd });
  /**
   * Runs one approved remediation exactly once: a recorded outcome short-circuits, each action checks the target's
   * current state before acting, a server-side dry run precedes the real call, and the outcome is recorded.
   */
  async function executeRemediation(input: ExecuteRemediationInput): Promise<RemediationOutcome> {
    try {
      const outcome = await execute(input);
      metrics?.remediations.inc({ action: input.proposal.action, outcome: outcome.alreadyDone ? 'already_done' : 'applied' });
      return outcome;
    } catch (err) {
      metrics?.remediations.inc({ action: input.proposal.action, outcome: 'error' });
      throw err;
    }
  }

  async function execute(input: ExecuteRemediationInput): Promise<RemediationOutcome> {
    const recorded = await ledger.find(input.idempotencyKey);
    if (recorded) return { ...recorded, alreadyDone: true };
    const { proposal } = input;
    const { namespace, name } = proposal.target;
    const key = input.idempotencyKey;
    let summary: string;
    if (proposal.action === 'argocd_sync_application' || proposal.action === 'argocd_run_resource_action') {
      if (!name) throw ApplicationFailure.nonRetryable(`Proposal ${proposal.id} names no ArgoCD application.`, 'Invalid');
      summary = proposal.action === 'argocd_sync_application'
        ? await argo.sync(name, key, proposal.params)
        : await argo.runAction(name, key, proposal.params);
    } else {
      if (!kubernetes) throw ApplicationFailure.nonRetryable('Kubernetes is not configured (set KUBECONFIG); nothing was changed.', 'NotConfigured');
      if (!namespace || !name) throw ApplicationFailure.nonRetryable(`Proposal ${proposal.id} names no target object.`, 'Invalid');
      switch (proposal.action) {
        case 'pods_delete':
          summary = await deletePod(namespace, name, proposal.target.uid);
          break;
        case 'deployments_rollout_restart':
          summary = await patchTemplate(namespace, name, key, {}, 'restarted');
          break;
        case 'resources_patch':
          summary = await patchResources(namespace, name, key, proposal.params);
          break;
        case 'deployments_scale':
          summary = await scale(namespace, name, proposal.params);
          break;
        case 'deployments_rollout_undo':
          summary = await rollbackDeployment({ kubernetes, namespace, name, key, toRevision: proposal.params.toRevision });
          break;
        default:
          throw ApplicationFailure.nonRetryable(`Lookout cannot run '${proposal.action}' yet; nothing was changed.`, 'Unsupported');
      }
    }
    const outcome: RemediationOutcome = { proposalId: proposal.id, ok: true, summary };
    await ledger.record(key, outcome, { workflowId: key.split('/')[0], actor: input.approvedBy, action: proposal.action });
    log.info('remediation applied', { key, action: proposal.action, summary });
    return outcome;
  }

  async function deletePod(namespace: string, name: string, uid: string | undefined): Promise<string> {
    const { core } = kubernetes!;
    let pod: PodLike;
    try {
      pod = (await core.readNamespacedPod({ name, namespace })) as PodLike;
    } catch (err) {
      if (apiStatus(err) === 404) return `Pod ${namespace}/${name} no longer exists; nothing to delete.`;
      throw toClusterWriteFailure(err, { verb: 'get', resource: 'pods', namespace });
    }
    if (uid && pod.metadata?.uid !== uid) {
      return `Pod ${namespace}/${name} was already replaced (uid ${pod.metadata?.uid} is not the diagnosed ${uid}); nothing deleted.`;
    }
    // Without a diagnosed uid, a retry must not delete the replacement a StatefulSet gave the same name.
    const retryingSince = firstAttemptAt();
    const created = Date.parse(String((pod.metadata as { creationTimestamp?: unknown } | undefined)?.creationTimestamp ?? ''));
    if (!uid && retryingSince !== undefined && created > retryingSince) {
      return `Pod ${namespace}/${name} was already replaced (created ${new Date(created).toISOString()}, after this remediation began); nothing deleted.`;
    }
    // The uid precondition makes the apiserver refuse to delete a newer pod that happens to share the name.
    const body = { preconditions: { uid: pod.metadata?.uid } };
    try {
      await core.deleteNamespacedPod({ name, namespace, body, dryRun: 'All' });
      await core.deleteNamespacedPod({ name, namespace, body });
    } catch (err) {
      const status = apiStatus(err);
      if (status === 404 || status === 409) return `Pod ${namespace}/${name} was already deleted; nothing more to do.`;
      throw toClusterWriteFailure(err, { verb: 'delete', resource: 'pods', namespace });
    }
    const before = describePod(pod);
    const owner = pod.metadata?.ownerReferences?.[0];
    const after = owner ? `its ${owner.kind} ${owner.name} starts a replacement` : 'it has no controller, so nothing replaces it';
    return `Deleted pod ${namespace}/${name}: ${before} → gone; ${after}.`;
  }

  async function patchTemplate(
    namespace: string, name: string, key: string, podSpec: Record<string, unknown>, verb: string,
  ): Promise<string> {
    const { apps } = kubernetes!;
    const current = await readDeployment(kubernetes!, namespace, name);
    const revision = current.metadata?.annotations?.[REVISION];
    if (current.spec?.template?.metadata?.annotations?.[CHANGE_ANNOTATION] === key) {
      return `Deployment ${namespace}/${name} was already ${verb} by this approval (now revision ${revision ?? '?'}); nothing more to do.`;
    }
    const restartedAt = new Date().toISOString();
    const body = {
      spec: {
        template: {
          metadata: { annotations: { [CHANGE_ANNOTATION]: key, 'kubectl.kubernetes.io/restartedAt': restartedAt } },
          ...(Object.keys(podSpec).length ? { spec: podSpec } : {}),
        },
      },
    };
    try {
      await apps.patchNamespacedDeployment({ name, namespace, body, dryRun: 'All' }, strategicMerge);
      await apps.patchNamespacedDeployment({ name, namespace, body }, strategicMerge);
    } catch (err) {
      throw toClusterWriteFailure(err, { verb: 'patch', resource: 'deployments', group: 'apps', namespace });
    }
    return `Deployment ${namespace}/${name} ${verb}: revision ${revision ?? '?'} → a new revision (restartedAt ${restartedAt}); its pods are replaced one by one.`;
  }

  async function patchResources(namespace: string, name: string, key: string, params: Record<string, unknown>): Promise<string> {
    const container = typeof params.container === 'string' ? params.container : undefined;
    const limits = params.limits as Record<string, string> | undefined;
    const requests = params.requests as Record<string, string> | undefined;
    if (!container || (!limits && !requests)) {
      throw ApplicationFailure.nonRetryable('resources_patch needs params.container and params.limits or params.requests.', 'Invalid');
    }
    const current = await readDeployment(kubernetes!, namespace, name);
    const before = current.spec?.template?.spec?.containers?.find((c) => c.name === container)?.resources ?? {};
    const resources = { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
    const summary = await patchTemplate(namespace, name, key, { containers: [{ name: container, resources }] }, 'patched');
    return `${summary} Container ${container} resources ${JSON.stringify(before)} → ${JSON.stringify(resources)}.`;
  }

  async function scale(namespace: string, name: string, params: Record<string, unknown>): Promise<string> {
    const replicas = Number(params.replicas);
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw ApplicationFailure.nonRetryable('deployments_scale needs params.replicas, a whole number >= 0.', 'Invalid');
    }
    const { apps } = kubernetes!;
    const what = { resource: 'deployments/scale', group: 'apps', namespace };
    let before: number;
    try {
      before = (await apps.readNamespacedDeploymentScale({ name, namespace })).spec?.replicas ?? 0;
    } catch (err) {
      throw toClusterWriteFailure(err, { verb: 'get', ...what });
    }
    // Setting an absolute count is idempotent: a retry after the change finds it done.
    if (before === replicas) return `Deployment ${namespace}/${name} already has ${replicas} replicas; nothing to do.`;
    const body = { spec: { replicas } };
    try {
      await apps.patchNamespacedDeploymentScale({ name, namespace, body, dryRun: 'All' }, mergePatch);
      await apps.patchNamespacedDeploymentScale({ name, namespace, body }, mergePatch);
    } catch (err) {
      throw toClusterWriteFailure(err, { verb: 'patch', ...what });
    }
    return `Deployment ${namespace}/${name} scaled ${before} → ${replicas} replicas.`;
  }

  return { executeRemediation };
}

type Kube = NonNullable<KubernetesDeps['kubernetes']>;

async function readDeployment(kubernetes: Kube, namespace: string, name: string): Promise<V1Deployment> {
  try {
    return await kubernetes.apps.readNamespacedDeployment({ name, namespace });
  } catch (err) {
    throw toClusterWriteFailure(err, { verb: 'get', resource: 'deployments', group: 'apps', namespace, name });
  }
}

/**
 * `kubectl rollout undo`: the Deployment gets the pod template of an earlier ReplicaSet (the previous revision, or
 * `toRevision`), so the controller scales that ReplicaSet back up. The approval's key on the Deployment's own
 * annotations (not the template, which must equal the old one) makes a retry after the patch a no-op.
 */
async function rollbackDeployment(
  { kubernetes, namespace, name, key, toRevision }: { kubernetes: Kube; namespace: string; name: string; key: string; toRevision: unknown },
): Promise<string> {
  const deployment = await readDeployment(kubernetes, namespace, name);
  const annotations = deployment.metadata?.annotations ?? {};
  const currentRevision = Number(annotations[REVISION]);
  if (annotations[CHANGE_ANNOTATION] === key) {
    return `Deployment ${namespace}/${name} was already rolled back by this approval (now revision ${annotations[REVISION] ?? '?'}, ` +
      `image ${templateImages(deployment.spec?.template)}); nothing more to do.`;
  }
  const labelSelector = Object.entries(deployment.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  let items: V1ReplicaSet[];
  try {
    items = (await kubernetes.apps.listNamespacedReplicaSet({ namespace, labelSelector })).items;
  } catch (err) {
    throw toClusterWriteFailure(err, { verb: 'list', resource: 'replicasets', group: 'apps', namespace });
  }
  const uid = deployment.metadata?.uid;
  const history = items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name && (!uid || !o.uid || o.uid === uid)))
    .filter((rs) => Number.isFinite(revisionOf(rs)))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const wanted = toRevision === undefined ? undefined : Number(toRevision);
  const target = wanted === undefined ? history.find((rs) => revisionOf(rs) < currentRevision) : history.find((rs) => revisionOf(rs) === wanted);
  const revisions = history.map(revisionOf).join(', ') || 'none';
  if (!target?.spec?.template) {
    const why = wanted === undefined
      ? `has no revision before ${Number.isFinite(currentRevision) ? currentRevision : 'the current one'} to roll back to`
      : `has no revision ${wanted}`;
    throw ApplicationFailure.nonRetryable(
      `Deployment ${namespace}/${name} ${why} (ReplicaSet revisions: ${revisions}); nothing was changed.`, 'Invalid',
    );
  }
  const template = structuredClone(target.spec.template);
  if (template.metadata?.labels) delete template.metadata.labels[HASH];
  const from = `revision ${annotations[REVISION] ?? '?'} (image ${templateImages(deployment.spec?.template)})`;
  const to = `revision ${revisionOf(target)} (image ${templateImages(template)})`;
  if (stableJson(template) === stableJson(deployment.spec?.template)) {
    return `Deployment ${namespace}/${name} already runs the template of ${to}; nothing was changed.`;
  }
  const body = [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: { ...annotations, [CHANGE_ANNOTATION]: key } },
  ];
  try {
    await kubernetes.apps.patchNamespacedDeployment({ name, namespace, body, dryRun: 'All' }, jsonPatch);
    await kubernetes.apps.patchNamespacedDeployment({ name, namespace, body }, jsonPatch);
  } catch (err) {
    throw toClusterWriteFailure(err, { verb: 'patch', resource: 'deployments', group: 'apps', namespace, name });
  }
  return `Deployment ${namespace}/${name} rolled back from ${from} to ${to}.`;
}


function revisionOf(rs: V1ReplicaSet): number {
  return Number(rs.metadata?.annotations?.[REVISION]);
}

function templateImages(template: V1PodTemplateSpec | undefined): string {
  return (template?.spec?.containers ?? []).map((c) => c.image ?? c.name).join(', ') || 'none';
}

/** JSON with sorted keys, so two templates compare by content. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
    : v));
}

function describePod(pod: PodLike): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const waiting = statuses.map((c) => c.state?.waiting?.reason).find(Boolean);
  return `uid ${pod.metadata?.uid ?? '?'}, ${restarts} restarts${waiting ? `, ${waiting}` : ''}`;
}
