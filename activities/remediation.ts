import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Remediation } from '../core/diagnosis.js';
import type { RemediationOutcome } from '../core/incident.js';
import type { PodLike } from '../core/kubernetes-facts.js';
import type { Metrics } from '../core/metrics.js';
import { apiStatus, toClusterWriteFailure } from './kubernetes-errors.js';
import type { KubernetesDeps } from './kubernetes.js';

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
const CHANGE_ANNOTATION = 'lookout.dev/remediation';

export function createRemediationActivities(
  { kubernetes, ledger, metrics }: KubernetesDeps & { ledger: RemediationLedger; metrics?: Metrics },
) {
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
    if (!kubernetes) throw ApplicationFailure.nonRetryable('Kubernetes is not configured (set KUBECONFIG); nothing was changed.', 'NotConfigured');
    const { proposal } = input;
    const { namespace, name } = proposal.target;
    if (!namespace || !name) throw ApplicationFailure.nonRetryable(`Proposal ${proposal.id} names no target object.`, 'Invalid');

    let summary: string;
    switch (proposal.action) {
      case 'pods_delete':
        summary = await deletePod(namespace, name, proposal.target.uid);
        break;
      case 'deployments_rollout_restart':
        summary = await patchTemplate(namespace, name, input.idempotencyKey, {}, 'restarted');
        break;
      case 'resources_patch':
        summary = await patchResources(namespace, name, input.idempotencyKey, proposal.params);
        break;
      case 'deployments_scale':
        summary = await scale(namespace, name, proposal.params);
        break;
      default:
        throw ApplicationFailure.nonRetryable(`Lookout cannot run '${proposal.action}' yet; nothing was changed.`, 'Unsupported');
    }
    const outcome: RemediationOutcome = { proposalId: proposal.id, ok: true, summary };
    await ledger.record(input.idempotencyKey, outcome, {
      workflowId: input.idempotencyKey.split('/')[0], actor: input.approvedBy, action: proposal.action,
    });
    log.info('remediation applied', { key: input.idempotencyKey, action: proposal.action, summary });
    return outcome;
  }

  async function deletePod(namespace: string, name: string, uid: string | undefined): Promise<string> {
    const { core } = kubernetes!;
    let pod: PodLike;
    try {
      pod = (await core.readNamespacedPod({ name, namespace })) as PodLike;
    } catch (err) {
      if (apiStatus(err) === 404) return `Pod ${namespace}/${name} no longer exists; nothing to delete.`;
      throw err;
    }
    if (uid && pod.metadata?.uid !== uid) {
      return `Pod ${namespace}/${name} was already replaced (uid ${pod.metadata?.uid} is not the diagnosed ${uid}); nothing deleted.`;
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
    const after = owner ? `its ${owner.kind} ${owner.name} will start a replacement` : 'it has no controller, so nothing replaces it';
    return `Deleted pod ${namespace}/${name} (${before}); ${after}.`;
  }

  async function patchTemplate(
    namespace: string, name: string, key: string, podSpec: Record<string, unknown>, verb: string,
  ): Promise<string> {
    const { apps } = kubernetes!;
    const current = await readDeployment(namespace, name);
    if (current.spec?.template?.metadata?.annotations?.[CHANGE_ANNOTATION] === key) {
      return `Deployment ${namespace}/${name} was already ${verb} by this approval; nothing more to do.`;
    }
    const body = {
      spec: {
        template: {
          metadata: { annotations: { [CHANGE_ANNOTATION]: key, 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } },
          ...(Object.keys(podSpec).length ? { spec: podSpec } : {}),
        },
      },
    };
    try {
      await apps.patchNamespacedDeployment({ name, namespace, body, dryRun: 'All' }, strategicMerge);
      await apps.patchNamespacedDeployment({ name, namespace, body }, strategicMerge);
    } catch (err) {
      throw toClusterWriteFailure(err, { verb: 'patch', resource: 'deployments', namespace });
    }
    const revision = current.metadata?.annotations?.['deployment.kubernetes.io/revision'];
    return `Deployment ${namespace}/${name} ${verb}${revision ? ` (was revision ${revision})` : ''}; a new rollout has started.`;
  }

  async function patchResources(namespace: string, name: string, key: string, params: Record<string, unknown>): Promise<string> {
    const container = typeof params.container === 'string' ? params.container : undefined;
    const limits = params.limits as Record<string, string> | undefined;
    const requests = params.requests as Record<string, string> | undefined;
    if (!container || (!limits && !requests)) {
      throw ApplicationFailure.nonRetryable('resources_patch needs params.container and params.limits or params.requests.', 'Invalid');
    }
    const current = await readDeployment(namespace, name);
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
    const current = await apps.readNamespacedDeploymentScale({ name, namespace });
    const before = current.spec?.replicas ?? 0;
    if (before === replicas) return `Deployment ${namespace}/${name} already has ${replicas} replicas; nothing to do.`;
    const body = { spec: { replicas } };
    try {
      await apps.patchNamespacedDeploymentScale({ name, namespace, body, dryRun: 'All' }, mergePatch);
      await apps.patchNamespacedDeploymentScale({ name, namespace, body }, mergePatch);
    } catch (err) {
      throw toClusterWriteFailure(err, { verb: 'patch', resource: 'deployments/scale', namespace });
    }
    return `Deployment ${namespace}/${name} scaled ${before} → ${replicas} replicas.`;
  }

  async function readDeployment(namespace: string, name: string) {
    try {
      return await kubernetes!.apps.readNamespacedDeployment({ name, namespace });
    } catch (err) {
      if (apiStatus(err) === 404) throw ApplicationFailure.nonRetryable(`Deployment ${namespace}/${name} does not exist.`, 'Invalid');
      throw toClusterWriteFailure(err, { verb: 'get', resource: 'deployments', namespace });
    }
  }

  return { executeRemediation };
}

function describePod(pod: PodLike): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const waiting = statuses.map((c) => c.state?.waiting?.reason).find(Boolean);
  return `uid ${pod.metadata?.uid ?? '?'}, ${restarts} restarts${waiting ? `, ${waiting}` : ''}`;
}
