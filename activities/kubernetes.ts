/**
 * The cluster reads of an incident: `collectKubernetesFacts` (the first sweep the analyser reads) and the read-only
 * tools of kubernetes-tools.ts. RBAC they need, cluster-wide: get/list on pods, pods/log, events, nodes,
 * deployments and replicasets (apps), and pods in metrics.k8s.io; remediation.ts adds its writes.
 */
import type { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { log } from '@temporalio/activity';
import type { KubernetesTarget } from '../core/alert.js';
import {
  owningDeployment, type DeploymentLike, type EventLike, type KubernetesFacts, type LogExcerpt, type NodeLike, type PodLike,
  type ReplicaSetLike,
} from '../core/kubernetes-facts.js';
import { cleanDeep } from './integration-output.js';
import { apiMessage, apiStatus } from './kubernetes-errors.js';
import { boundLog, createKubernetesTools, NOT_CONFIGURED } from './kubernetes-tools.js';

export type CoreApi = Pick<
  CoreV1Api,
  'readNamespacedPod' | 'listNamespacedPod' | 'readNamespacedPodLog' | 'listNamespacedEvent' | 'deleteNamespacedPod'
  | 'readNode' | 'listPodForAllNamespaces' | 'listEventForAllNamespaces'
>;
export type AppsApi = Pick<
  AppsV1Api,
  'readNamespacedDeployment' | 'patchNamespacedDeployment' | 'patchNamespacedDeploymentScale' | 'readNamespacedDeploymentScale'
  | 'listNamespacedReplicaSet'
>;

export type CustomApi = Pick<CustomObjectsApi, 'listNamespacedCustomObject' | 'getNamespacedCustomObject'>;

/** Undefined when no cluster is configured: the tools then say so instead of failing the incident. */
export interface KubernetesDeps {
  /** `custom` reads metrics.k8s.io; without it pod usage is simply not gathered. */
  kubernetes?: { core: CoreApi; apps: AppsApi; custom?: CustomApi };
}

const LOG_TAIL_LINES = 200;
const MAX_REPLICA_SETS = 10;
const MAX_PODS = 20;
const MAX_EVENTS = 30;

/** Plain JSON, as the API sent it: client-node's model classes and Dates do not survive Temporal's payloads as-is. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

export function createKubernetesActivities({ kubernetes }: KubernetesDeps) {
  /** Pod, its recent events and the failing container's logs: what an engineer would look at first. */
  async function collectKubernetesFacts({ target }: { target: KubernetesTarget }): Promise<KubernetesFacts> {
    const facts = await gather(target);
    // Logs, messages and specs leave redacted; env var values never leave at all.
    for (const o of [facts.pod, ...(facts.pods ?? []), facts.deployment, ...(facts.replicaSets ?? [])]) if (o) withoutSecrets(o as ObjectWithSpec);
    return cleanDeep(facts);
  }

  async function gather(target: KubernetesTarget): Promise<KubernetesFacts> {
    const facts: KubernetesFacts = { events: [], logs: [], problems: [] };
    if (!kubernetes) return { ...facts, problems: [NOT_CONFIGURED] };
    const { namespace } = target;
    if (target.node && !target.pod && !target.deployment) return nodeFacts(target.node, facts);
    if (!namespace || (!target.pod && !target.deployment)) {
      return { ...facts, problems: ['the alert names no Kubernetes pod, deployment or node (labels namespace + pod or deployment, or node)'] };
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
    const nodeName = facts.pod!.spec?.nodeName;
    const [events, logs, node] = await Promise.all([
      readEvents(namespace, facts.pod!, facts.problems),
      readLogs(namespace, facts.pod!, facts.problems),
      nodeName ? readNode(nodeName, facts.problems) : undefined,
      deploymentName ? readOwner(namespace, deploymentName, facts) : undefined,
    ]);
    facts.events = events;
    facts.logs = logs;
    if (node) {
      facts.nodes = [node];
      // A NotReady node explains the pod; the node controller's events say since when.
      if (!isReady(node)) facts.events = [...facts.events, ...await readNodeEvents(nodeName!, facts.problems)].slice(-MAX_EVENTS);
    }
    return facts;
  }

  /** An alert about a node alone (KubeNodeNotReady): the node, the pods on it and the node's events. */
  async function nodeFacts(name: string, facts: KubernetesFacts): Promise<KubernetesFacts> {
    const [node, events, pods] = await Promise.all([
      readNode(name, facts.problems),
      readNodeEvents(name, facts.problems),
      kubernetes!.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}`, limit: MAX_PODS })
        .then((list) => plain<PodLike[]>(list.items))
        .catch((err) => { facts.problems.push(`pods on node ${name}: ${describe(err)}`); return undefined; }),
    ]);
    if (node) facts.nodes = [node];
    facts.events = events;
    if (pods) facts.pods = pods;
    return facts;
  }

  /** The node without its image list and volumes: conditions, taints, capacity and identity are what is read. */
  async function readNode(name: string, problems: string[]): Promise<NodeLike | undefined> {
    try {
      const node = plain<NodeLike & { status?: Record<string, unknown>; metadata?: { managedFields?: unknown } }>(
        await kubernetes!.core.readNode({ name }),
      );
      delete node.metadata?.managedFields;
      if (node.status) for (const key of ['images', 'volumesInUse', 'volumesAttached']) delete node.status[key];
      return node;
    } catch (err) {
      problems.push(`node ${name}: ${describe(err)}`);
      return undefined;
    }
  }

  /** The node controller and kubelet record a node's events in namespace default; any namespace is read to be sure. */
  async function readNodeEvents(name: string, problems: string[]): Promise<EventLike[]> {
    try {
      const fieldSelector = `involvedObject.kind=Node,involvedObject.name=${name}`;
      const list = await kubernetes!.core.listEventForAllNamespaces({ fieldSelector });
      return plain<EventLike[]>(list.items).slice(-MAX_EVENTS);
    } catch (err) {
      problems.push(`events of node ${name}: ${describe(err)}`);
      return [];
    }
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
        return { container: failing.name, previous, text: boundLog(String(text ?? '')).text };
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

  return { collectKubernetesFacts, ...createKubernetesTools({ kubernetes }) };
}

const isReady = (node: NodeLike) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

interface ContainerWithEnv { env?: { name: string; value?: string }[] }
interface ObjectWithSpec {
  metadata?: { annotations?: Record<string, string>; managedFields?: unknown };
  spec?: { containers?: ContainerWithEnv[]; initContainers?: ContainerWithEnv[]; template?: { spec?: ObjectWithSpec['spec'] } };
}

/**
 * Strips what would carry secrets out of a pod, Deployment or ReplicaSet in place: env var values (their names and
 * `valueFrom` references stay), and the last-applied-configuration annotation that repeats the whole spec.
 */
function withoutSecrets(obj: ObjectWithSpec): void {
  delete obj.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  delete obj.metadata?.managedFields;
  for (const spec of [obj.spec, obj.spec?.template?.spec]) {
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      for (const e of c.env ?? []) delete e.value;
    }
  }
}

const units: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity as cores or bytes. */
function quantity(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(text?.trim() ?? '');
  return m && units[m[2]] !== undefined ? Number(m[1]) * units[m[2]] : undefined;
}
