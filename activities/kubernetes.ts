import type { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { log } from '@temporalio/activity';
import type { KubernetesTarget } from '../core/alert.js';
import {
  owningDeployment, type DeploymentLike, type EventLike, type KubernetesFacts, type LogExcerpt, type PodLike, type ReplicaSetLike,
} from '../core/kubernetes-facts.js';
import { apiMessage, apiStatus } from './kubernetes-errors.js';

export type CoreApi = Pick<
  CoreV1Api, 'readNamespacedPod' | 'listNamespacedPod' | 'readNamespacedPodLog' | 'listNamespacedEvent' | 'deleteNamespacedPod'
>;
export type AppsApi = Pick<
  AppsV1Api,
  'readNamespacedDeployment' | 'patchNamespacedDeployment' | 'patchNamespacedDeploymentScale' | 'readNamespacedDeploymentScale'
  | 'listNamespacedReplicaSet'
>;

export type CustomApi = Pick<CustomObjectsApi, 'listNamespacedCustomObject'>;

/** Undefined when no cluster is configured: the tools then say so instead of failing the incident. */
export interface KubernetesDeps {
  /** `custom` reads metrics.k8s.io; without it pod usage is simply not gathered. */
  kubernetes?: { core: CoreApi; apps: AppsApi; custom?: CustomApi };
}

const NOT_CONFIGURED = 'Kubernetes is not configured (set KUBECONFIG, or run Lookout in a pod with a service account)';
const LOG_TAIL_LINES = 200;
const MAX_REPLICA_SETS = 10;
const MAX_PODS = 20;
const MAX_EVENTS = 30;
const LOG_MAX_CHARS = 8_000;

/** Plain JSON, as the API sent it: client-node's model classes and Dates do not survive Temporal's payloads as-is. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

export function createKubernetesActivities({ kubernetes }: KubernetesDeps) {
  /** Pod, its recent events and the failing container's logs: what an engineer would look at first. */
  async function collectKubernetesFacts({ target }: { target: KubernetesTarget }): Promise<KubernetesFacts> {
    const facts: KubernetesFacts = { events: [], logs: [], problems: [] };
    if (!kubernetes) return { ...facts, problems: [NOT_CONFIGURED] };
    const { namespace } = target;
    if (!namespace || (!target.pod && !target.deployment)) {
      return { ...facts, problems: ['the alert names no Kubernetes pod or deployment (labels namespace + pod or deployment)'] };
    }
    try {
      facts.pod = target.pod
        ? plain<PodLike>(await kubernetes.core.readNamespacedPod({ name: target.pod, namespace }))
        : await worstPodOfDeployment(namespace, target.deployment!);
    } catch (err) {
      facts.problems.push(`pod ${namespace}/${target.pod ?? target.deployment}: ${describe(err)}`);
    }
    const podName = facts.pod?.metadata?.name;
    if (!podName) return facts;

    const deploymentName = owningDeployment(facts.pod!) ?? target.deployment;
    const [events, logs] = await Promise.all([
      readEvents(namespace, facts.pod!, facts.problems),
      readLogs(namespace, facts.pod!, facts.problems),
      deploymentName ? readOwner(namespace, deploymentName, facts) : undefined,
    ]);
    facts.events = events;
    facts.logs = logs;
    return facts;
  }

  /** Events about the pod and about the volume claims it mounts (a Pending pod often waits on its PVC). */
  async function readEvents(namespace: string, pod: PodLike, problems: string[]): Promise<EventLike[]> {
    const claims = (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
    const subjects = [['Pod', pod.metadata!.name!], ...claims.slice(0, 5).map((c) => ['PersistentVolumeClaim', c])];
    const lists = await Promise.all(subjects.map(([kind, name]) => kubernetes!.core
      .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` })
      .then((list) => plain<EventLike[]>(list.items))
      .catch((err) => { problems.push(`events of ${kind} ${name}: ${describe(err)}`); return []; })));
    return lists.flat().slice(-MAX_EVENTS);
  }

  /** The Deployment, its ReplicaSets (with revisions) and its pods: one pod's problem or everyone's, and what changed. */
  async function readOwner(namespace: string, name: string, facts: KubernetesFacts): Promise<void> {
    try {
      const deployment = plain<DeploymentLike>(await kubernetes!.apps.readNamespacedDeployment({ name, namespace }));
      const labelSelector = Object.entries(deployment.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      const [replicaSets, pods] = await Promise.all([
        kubernetes!.apps.listNamespacedReplicaSet({ namespace, labelSelector }),
        kubernetes!.core.listNamespacedPod({ namespace, labelSelector }),
      ]);
      facts.deployment = deployment;
      facts.replicaSets = plain<ReplicaSetLike[]>(replicaSets.items)
        .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name))
        .slice(-MAX_REPLICA_SETS);
      facts.pods = plain<PodLike[]>(pods.items).slice(0, MAX_PODS);
    } catch (err) {
      facts.problems.push(`deployment ${namespace}/${name}: ${describe(err)}`);
    }
    facts.metrics = await readPodMetrics(namespace, [facts.pod, ...(facts.pods ?? [])], facts.problems);
  }

  /** Current usage per pod from metrics.k8s.io (summed over containers), as `NAMESPACE/POD` → cpu, memory. */
  async function readPodMetrics(namespace: string, pods: (PodLike | undefined)[], problems: string[]) {
    if (!kubernetes?.custom) return undefined;
    const wanted = new Set(pods.map((p) => p?.metadata?.name).filter(Boolean));
    try {
      const list = (await kubernetes.custom.listNamespacedCustomObject({
        group: 'metrics.k8s.io', version: 'v1beta1', namespace, plural: 'pods',
      })) as { items?: { metadata?: { name?: string }; containers?: { usage?: { cpu?: string; memory?: string } }[] }[] };
      const usage: Record<string, { cpu: string; memory: string }> = {};
      for (const item of list.items ?? []) {
        const name = item.metadata?.name;
        if (!name || !wanted.has(name)) continue;
        const sum = (key: 'cpu' | 'memory') => (item.containers ?? []).reduce((n, c) => n + (quantity(c.usage?.[key]) ?? 0), 0);
        usage[`${namespace}/${name}`] = { cpu: `${Math.round(sum('cpu') * 1000)}m`, memory: `${Math.round(sum('memory') / 2 ** 20)}Mi` };
      }
      return usage;
    } catch (err) {
      // Clusters without metrics-server answer 404 here; the diagnosis goes on without usage figures.
      problems.push(`pod metrics in ${namespace}: ${describe(err)}`);
      return undefined;
    }
  }

  async function worstPodOfDeployment(namespace: string, name: string): Promise<PodLike | undefined> {
    const deployment = await kubernetes!.apps.readNamespacedDeployment({ name, namespace });
    const labels = deployment.spec?.selector?.matchLabels ?? {};
    const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = plain<PodLike[]>((await kubernetes!.core.listNamespacedPod({ namespace, labelSelector })).items);
    const restarts = (p: PodLike) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    const unready = (p: PodLike) => (p.status?.containerStatuses ?? []).some((c) => !c.ready);
    return pods.sort((a, b) => Number(unready(b)) - Number(unready(a)) || restarts(b) - restarts(a))[0];
  }

  async function readLogs(namespace: string, pod: PodLike, problems: string[]): Promise<LogExcerpt[]> {
    const statuses = pod.status?.containerStatuses ?? [];
    const failing = statuses.find((c) => !c.ready) ?? statuses[0];
    if (!failing) return [];
    const name = pod.metadata!.name!;
    const read = async (previous: boolean): Promise<LogExcerpt | undefined> => {
      try {
        const text = await kubernetes!.core.readNamespacedPodLog({
          name, namespace, container: failing.name, previous, tailLines: LOG_TAIL_LINES,
        });
        return { container: failing.name, previous, text: String(text).slice(-LOG_MAX_CHARS) };
      } catch (err) {
        // A container that never restarted has no previous logs; that is not a problem worth reporting.
        if (!(previous && apiStatus(err) === 400)) problems.push(`logs of ${name}/${failing.name}: ${describe(err)}`);
        return undefined;
      }
    };
    const results = await Promise.all([read(false), (failing.restartCount ?? 0) > 0 ? read(true) : undefined]);
    return results.filter((r): r is LogExcerpt => r !== undefined);
  }

  function describe(err: unknown): string {
    const status = apiStatus(err);
    log.warn('kubernetes read failed', { status, error: apiMessage(err) });
    return status ? `HTTP ${status}: ${apiMessage(err)}` : apiMessage(err);
  }

  return { collectKubernetesFacts };
}

const units: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity as cores or bytes. */
function quantity(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(text?.trim() ?? '');
  return m && units[m[2]] !== undefined ? Number(m[1]) * units[m[2]] : undefined;
}
