import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { log } from '@temporalio/activity';
import type { KubernetesTarget } from '../core/alert.js';
import type { EventLike, KubernetesFacts, LogExcerpt, PodLike } from '../core/kubernetes-facts.js';
import { apiMessage, apiStatus } from './kubernetes-errors.js';

export type CoreApi = Pick<
  CoreV1Api, 'readNamespacedPod' | 'listNamespacedPod' | 'readNamespacedPodLog' | 'listNamespacedEvent' | 'deleteNamespacedPod'
>;
export type AppsApi = Pick<
  AppsV1Api, 'readNamespacedDeployment' | 'patchNamespacedDeployment' | 'patchNamespacedDeploymentScale' | 'readNamespacedDeploymentScale'
>;

/** Undefined when no cluster is configured: the tools then say so instead of failing the incident. */
export interface KubernetesDeps {
  kubernetes?: { core: CoreApi; apps: AppsApi };
}

const NOT_CONFIGURED = 'Kubernetes is not configured (set KUBECONFIG, or run Lookout in a pod with a service account)';
const LOG_TAIL_LINES = 200;
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

    const [events, logs] = await Promise.all([
      kubernetes.core
        .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${podName}` })
        .then((list) => plain<EventLike[]>(list.items).slice(-20))
        .catch((err) => { facts.problems.push(`events of ${podName}: ${describe(err)}`); return []; }),
      readLogs(namespace, facts.pod!, facts.problems),
    ]);
    facts.events = events;
    facts.logs = logs;
    return facts;
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
