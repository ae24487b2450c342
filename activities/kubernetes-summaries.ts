/**
 * How the Kubernetes tools summarise what the API returns for a model to read: pods, events, Deployments with their
 * ReplicaSets, nodes, and logs cut to a budget that keeps their error lines. Input checks live here too. Pure.
 */
import type {
  CoreV1Event, V1Container, V1ContainerState, V1ContainerStatus, V1Deployment, V1Node, V1Pod, V1ReplicaSet,
} from '@kubernetes/client-node';
import { truncate } from './integration-output.js';

export const LOG_MAX_CHARS = 8_000;
export const MAX_LINE_CHARS = 1_000;
export const MESSAGE_CHARS = 400;
export const REVISION = 'deployment.kubernetes.io/revision';
export const MAX_ITEMS = 30;

// Lines worth keeping when a log is cut: what an engineer would grep for first.
const ERROR_LINE = /panic|error|exception|fatal|traceback|oom|out of memory|killed|refused|denied|unauthori[sz]ed|forbidden|timed? ?out|segfault|fail(ed|ure)?\b|\bE\d{4} /i;

/**
 * At most `max` characters of a log's end, keeping its error-looking lines: up to 40 % of the budget goes to the
 * latest error lines from the cut part, the rest to the tail; gaps are marked.
 */
export function boundLog(text: string, max = LOG_MAX_CHARS): { text: string; lines: number; shownLines: number; truncated: boolean } {
  const lines = text.replace(/\n$/, '').split('\n').map((l) => truncate(l, MAX_LINE_CHARS)!);
  if (text === '') return { text: '', lines: 0, shownLines: 0, truncated: false };
  const size = (l: string) => l.length + 1;
  if (lines.reduce((n, l) => n + size(l), 0) <= max) return { text: lines.join('\n'), lines: lines.length, shownLines: lines.length, truncated: false };
  const budget = max - 400; // room for the gap markers
  const keep = new Set<number>();
  let used = 0;
  for (let i = lines.length - 1; i >= 0 && used < budget * 0.4; i--) {
    if (ERROR_LINE.test(lines[i]) && used + size(lines[i]) <= budget * 0.4) {
      keep.add(i);
      used += size(lines[i]);
    }
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    if (keep.has(i)) continue;
    if (used + size(lines[i]) > budget) break;
    keep.add(i);
    used += size(lines[i]);
  }
  const out: string[] = [];
  let gap = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!keep.has(i)) { gap++; continue; }
    if (gap) out.push(`[… ${gap} line${gap === 1 ? '' : 's'} cut …]`);
    gap = 0;
    out.push(lines[i]);
  }
  const joined = out.join('\n');
  return { text: joined.length > max ? joined.slice(-max) : joined, lines: lines.length, shownLines: keep.size, truncated: true };
}

// ---- input checks: names are DNS labels / subdomains, selectors a sane alphabet, numbers in range ----

export type Rule = 'label' | 'subdomain' | 'labelSelector' | 'fieldSelector' | 'kind' | 'boolean' | { min: number; max: number };
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_SELECTOR = /^[A-Za-z0-9_./!=(), -]{1,512}$/;
const FIELD_SELECTOR = /^[A-Za-z0-9_./!=,{}:-]{1,512}$/;

/** The first problem with the input, or undefined; `required` fields must be present. */
export function badInput(input: Record<string, unknown>, rules: Record<string, Rule>, required: string[]): string | undefined {
  for (const field of required) if (input[field] === undefined || input[field] === '') return `${field} is required`;
  for (const [field, rule] of Object.entries(rules)) {
    const v = input[field];
    if (v === undefined) continue;
    const got = `got ${JSON.stringify(v)?.slice(0, 80)}`;
    if (typeof rule === 'object') {
      if (!Number.isInteger(v) || (v as number) < rule.min || (v as number) > rule.max) return `${field} must be an integer from ${rule.min} to ${rule.max}, ${got}`;
    } else if (rule === 'boolean') {
      if (typeof v !== 'boolean') return `${field} must be true or false, ${got}`;
    } else if (typeof v !== 'string') {
      return `${field} must be a string, ${got}`;
    } else if (rule === 'label' && !DNS_LABEL.test(v)) {
      return `${field} must be a DNS label (lowercase letters, digits and '-', at most 63 characters), ${got}`;
    } else if (rule === 'subdomain' && !DNS_SUBDOMAIN.test(v)) {
      return `${field} must be a Kubernetes object name (lowercase letters, digits, '-' and '.'), ${got}`;
    } else if (rule === 'labelSelector' && !LABEL_SELECTOR.test(v)) {
      return `${field} must be a label selector such as app=cart,tier!=db or env in (prod,staging), ${got}`;
    } else if (rule === 'fieldSelector' && !FIELD_SELECTOR.test(v)) {
      return `${field} must be a field selector such as status.phase!=Running, ${got}`;
    } else if (rule === 'kind' && !/^[A-Z][A-Za-z]{0,62}$/.test(v)) {
      return `${field} must be a Kind such as Pod, Deployment or Node, ${got}`;
    }
  }
  return undefined;
}

// ---- summaries: what a reader needs, never the whole spec ----

export const time = (d: Date | string | undefined | null): string | undefined => {
  if (!d) return undefined;
  const t = new Date(d);
  return Number.isNaN(t.getTime()) ? String(d) : t.toISOString();
};

function containerState(s: V1ContainerState | undefined) {
  if (s?.running) return { status: 'running', startedAt: time(s.running.startedAt) };
  if (s?.waiting) return { status: 'waiting', reason: s.waiting.reason, message: truncate(s.waiting.message, MESSAGE_CHARS) };
  if (s?.terminated) {
    const t = s.terminated;
    return {
      status: 'terminated', reason: t.reason, exitCode: t.exitCode, signal: t.signal, message: truncate(t.message, MESSAGE_CHARS),
      startedAt: time(t.startedAt), finishedAt: time(t.finishedAt),
    };
  }
  return undefined;
}

/** Image, resources and env var names (their values and sources stay in the cluster). */
function containerSpec(c: V1Container) {
  return {
    name: c.name,
    image: c.image,
    resources: c.resources?.requests || c.resources?.limits ? { requests: c.resources.requests, limits: c.resources.limits } : undefined,
    env: c.env?.length ? c.env.slice(0, 50).map((e) => e.name) : undefined,
  };
}

export function containerSummary(c: V1Container | undefined, s: V1ContainerStatus | undefined, name: string) {
  return {
    ...(c ? containerSpec(c) : { name }),
    image: s?.image ?? c?.image,
    ready: s?.ready,
    restartCount: s?.restartCount,
    state: containerState(s?.state),
    lastState: containerState(s?.lastState),
  };
}

export function podSummary(pod: V1Pod) {
  const statuses = (list: V1ContainerStatus[] | undefined) => new Map((list ?? []).map((s) => [s.name, s]));
  const main = statuses(pod.status?.containerStatuses);
  const init = statuses(pod.status?.initContainerStatuses);
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  return {
    name: pod.metadata?.name,
    namespace: pod.metadata?.namespace,
    phase: pod.status?.phase,
    reason: pod.status?.reason,
    message: truncate(pod.status?.message, MESSAGE_CHARS),
    node: pod.spec?.nodeName,
    owner: owner ? `${owner.kind}/${owner.name}` : undefined,
    labels: pod.metadata?.labels,
    createdAt: time(pod.metadata?.creationTimestamp),
    startedAt: time(pod.status?.startTime),
    deletionTimestamp: time(pod.metadata?.deletionTimestamp),
    qosClass: pod.status?.qosClass,
    conditions: pod.status?.conditions?.map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: truncate(c.message, MESSAGE_CHARS) })),
    initContainers: pod.spec?.initContainers?.length ? pod.spec.initContainers.map((c) => containerSummary(c, init.get(c.name), c.name)) : undefined,
    containers: (pod.spec?.containers ?? []).map((c) => containerSummary(c, main.get(c.name), c.name)),
  };
}

/** One line of `kubectl get pods -o wide`, plus why a container is not ready. */
export function podRow(pod: V1Pod) {
  const statuses = pod.status?.containerStatuses ?? [];
  const bad = statuses.find((s) => !s.ready);
  const why = bad?.state?.waiting?.reason ?? bad?.state?.terminated?.reason ?? bad?.lastState?.terminated?.reason;
  return {
    name: pod.metadata?.name,
    namespace: pod.metadata?.namespace,
    phase: pod.status?.phase,
    ready: `${statuses.filter((s) => s.ready).length}/${pod.spec?.containers?.length ?? statuses.length}`,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    reason: why ?? pod.status?.reason,
    node: pod.spec?.nodeName,
    createdAt: time(pod.metadata?.creationTimestamp),
  };
}

export const healthy = (p: V1Pod) => p.status?.phase === 'Succeeded'
  || (p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((s) => s.ready));

/** Unhealthy pods first, then by name; at most `limit`, with the total. */
export function podRows(items: V1Pod[], limit: number, remaining = 0) {
  const sorted = [...items].sort((a, b) => Number(healthy(a)) - Number(healthy(b))
    || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const total = items.length + remaining;
  return { total, pods: sorted.slice(0, limit).map(podRow), more: Math.max(0, total - limit) };
}

export const eventTime = (e: CoreV1Event) =>
  time(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata?.creationTimestamp);

export function eventRow(e: CoreV1Event) {
  return {
    type: e.type,
    reason: e.reason,
    object: `${e.involvedObject?.kind}/${e.involvedObject?.name}${e.involvedObject?.fieldPath ? ` ${e.involvedObject.fieldPath}` : ''}`,
    message: truncate(e.message, MESSAGE_CHARS),
    count: e.count ?? e.series?.count,
    firstSeen: time(e.firstTimestamp ?? e.eventTime),
    lastSeen: eventTime(e),
    source: e.source?.component ?? e.reportingComponent,
  };
}

export function replicaSetRow(rs: V1ReplicaSet) {
  return {
    name: rs.metadata?.name,
    revision: rs.metadata?.annotations?.[REVISION],
    images: (rs.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`),
    replicas: rs.spec?.replicas,
    current: rs.status?.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    createdAt: time(rs.metadata?.creationTimestamp),
  };
}

export function deploymentSummary(d: V1Deployment, replicaSets: V1ReplicaSet[]) {
  return {
    name: d.metadata?.name,
    namespace: d.metadata?.namespace,
    revision: d.metadata?.annotations?.[REVISION],
    createdAt: time(d.metadata?.creationTimestamp),
    generation: d.metadata?.generation,
    observedGeneration: d.status?.observedGeneration,
    paused: d.spec?.paused || undefined,
    strategy: d.spec?.strategy?.type,
    selector: d.spec?.selector?.matchLabels,
    replicas: {
      desired: d.spec?.replicas, current: d.status?.replicas ?? 0, updated: d.status?.updatedReplicas ?? 0,
      ready: d.status?.readyReplicas ?? 0, available: d.status?.availableReplicas ?? 0, unavailable: d.status?.unavailableReplicas ?? 0,
    },
    conditions: d.status?.conditions?.map((c) => ({
      type: c.type, status: c.status, reason: c.reason, message: truncate(c.message, MESSAGE_CHARS), lastUpdate: time(c.lastUpdateTime),
    })),
    containers: (d.spec?.template?.spec?.containers ?? []).map(containerSpec),
    replicaSets: replicaSets.map(replicaSetRow),
  };
}

export function nodeSummary(node: V1Node) {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const info = node.status?.nodeInfo;
  return {
    name: node.metadata?.name,
    ready: ready?.status ?? 'Unknown',
    unschedulable: node.spec?.unschedulable ?? false,
    createdAt: time(node.metadata?.creationTimestamp),
    labels: Object.fromEntries(Object.entries(node.metadata?.labels ?? {}).slice(0, MAX_ITEMS)),
    conditions: node.status?.conditions?.map((c) => ({
      type: c.type, status: c.status, reason: c.reason, message: truncate(c.message, MESSAGE_CHARS),
      lastHeartbeat: time(c.lastHeartbeatTime), lastTransition: time(c.lastTransitionTime),
    })),
    taints: node.spec?.taints?.map((t) => ({ key: t.key, value: t.value, effect: t.effect, timeAdded: time(t.timeAdded) })),
    capacity: node.status?.capacity,
    allocatable: node.status?.allocatable,
    addresses: node.status?.addresses?.map((a) => `${a.type}=${a.address}`),
    nodeInfo: info && {
      kubeletVersion: info.kubeletVersion, containerRuntimeVersion: info.containerRuntimeVersion, osImage: info.osImage,
      kernelVersion: info.kernelVersion, architecture: info.architecture,
    },
  };
}

// ---- the activities ----

export interface MetricsItem { metadata?: { name?: string; namespace?: string }; timestamp?: string; window?: string; containers?: { name?: string; usage?: Record<string, string> }[] }

