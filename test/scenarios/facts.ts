/**
 * Scenario file → the Alert and KubernetesFacts the investigation would gather: the pod the alert names (or the worst
 * pod of the Deployment it names), that pod's events and its failing container's logs, the owning Deployment with its
 * ReplicaSets and pods, the node, pod metrics, and the scenario's answers to the Prometheus queries the investigation
 * asks for this alert (core/prometheus-queries.ts), looked up and evaluated as the Prometheus test server does.
 * `npm run diagnose` gathers the same through the real activities and local API servers.
 */
import type { Alert } from '../../core/alert.js';
import type { Category, RemediationAction } from '../../core/diagnosis.js';
import {
  owningDeployment, type DeploymentLike, type EventLike, type KubernetesFacts, type LogExcerpt, type NodeLike, type PodLike,
  type PrometheusResult, type ReplicaSetLike,
} from '../../core/kubernetes-facts.js';
import { prometheusQueryPlan } from '../../core/prometheus-queries.js';
import { instantQuery, queryKey, validateSeries } from '../../sandbox/prometheus/api.js';

export interface Scenario {
  alert: { source: 'alertmanager' | 'generic' | 'slack'; payload?: unknown; message?: unknown };
  kubernetes?: {
    pods?: PodLike[];
    deployments?: DeploymentLike[];
    replicaSets?: ReplicaSetLike[];
    nodes?: NodeLike[];
    events?: EventLike[];
    logs?: Record<string, string>;
    metrics?: Record<string, { cpu?: string; memory?: string }>;
  };
  prometheus?: PrometheusResult[];
  expected?: { category: Category; action: RemediationAction };
}

const restarts = (p: PodLike) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
const unready = (p: PodLike) => p.status?.phase === 'Pending' || (p.status?.containerStatuses ?? []).some((c) => !c.ready);

export function scenarioFacts(alert: Alert, scenario: Scenario): KubernetesFacts {
  const k = scenario.kubernetes ?? {};
  const facts: KubernetesFacts = { events: [], logs: [], problems: [], prometheus: prometheusAnswers(alert, scenario) };
  const { namespace, node } = alert.target;
  const inNs = <T extends { metadata?: { namespace?: string } }>(list: T[] | undefined) => (list ?? []).filter((o) => o.metadata?.namespace === namespace);
  const selected = (d: DeploymentLike) => inNs(k.pods).filter((p) => Object.entries(d.spec?.selector?.matchLabels ?? {})
    .every(([key, v]) => p.metadata?.labels?.[key] === v));

  if (namespace && alert.target.pod) {
    facts.pod = inNs(k.pods).find((p) => p.metadata?.name === alert.target.pod);
    if (!facts.pod) facts.problems.push(`pod ${namespace}/${alert.target.pod}: HTTP 404: pods "${alert.target.pod}" not found`);
  }
  const deploymentName = (facts.pod && owningDeployment(facts.pod)) ?? alert.target.deployment;
  facts.deployment = inNs(k.deployments).find((d) => d.metadata?.name === deploymentName);
  if (facts.deployment) {
    facts.pods = selected(facts.deployment);
    facts.replicaSets = inNs(k.replicaSets).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deploymentName));
    facts.pod ??= [...facts.pods].sort((a, b) => Number(unready(b)) - Number(unready(a)) || restarts(b) - restarts(a))[0];
  }
  if (!namespace && !node) facts.problems.push('the alert names no Kubernetes pod or deployment (labels namespace + pod or deployment)');

  const nodeName = facts.pod?.spec?.nodeName ?? node;
  facts.nodes = (k.nodes ?? []).filter((n) => n.metadata?.name === nodeName);
  const claims = (facts.pod?.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  const about = (e: EventLike) => {
    const o = e.involvedObject ?? {};
    if (o.kind === 'Node') return o.name === nodeName;
    if (o.namespace !== namespace) return false;
    if (o.kind === 'Pod') return o.name === facts.pod?.metadata?.name;
    if (o.kind === 'PersistentVolumeClaim') return claims.includes(o.name ?? '');
    if (o.kind === 'Deployment') return o.name === deploymentName;
    if (o.kind === 'ReplicaSet') return (facts.replicaSets ?? []).some((rs) => rs.metadata?.name === o.name);
    return false;
  };
  facts.events = (k.events ?? []).filter(about).slice(-20);

  const pod = facts.pod;
  if (pod) {
    const statuses = pod.status?.containerStatuses ?? [];
    const failing = statuses.find((c) => !c.ready) ?? statuses[0];
    const base = `${pod.metadata?.namespace}/${pod.metadata?.name}/${failing?.name}`;
    const logs: LogExcerpt[] = [];
    if (failing && k.logs?.[base] !== undefined) logs.push({ container: failing.name, previous: false, text: k.logs[base] });
    if (failing && (failing.restartCount ?? 0) > 0 && k.logs?.[`${base}#previous`] !== undefined) {
      logs.push({ container: failing.name, previous: true, text: k.logs[`${base}#previous`] });
    }
    facts.logs = logs;
    const names = new Set([pod, ...(facts.pods ?? [])].map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
    facts.metrics = Object.fromEntries(Object.entries(k.metrics ?? {}).filter(([key]) => names.has(key)));
  }
  return facts;
}

/** The non-empty answers to the alert's query plan, as instant queries at the snapshot's newest samples. */
export function prometheusAnswers(alert: Alert, scenario: Scenario): PrometheusResult[] {
  const stored = new Map((scenario.prometheus ?? []).map((q) => [queryKey(q.query), validateSeries(q.query, q.result)]));
  return prometheusQueryPlan(alert).flatMap(({ query }) => {
    const { result } = instantQuery(stored.get(queryKey(query)), query, undefined);
    return result.length ? [{ query, result }] : [];
  });
}
