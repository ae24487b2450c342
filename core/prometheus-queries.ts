/**
 * The instant queries an on-call engineer runs first for an alert: the rule's own expression, then a few standard
 * cAdvisor / kube-state-metrics views of the workload it names, picked by what the alert measures. Pure: the
 * Prometheus activity runs the plan.
 */
import type { Alert } from './alert.js';
import type { KubernetesFacts } from './kubernetes-facts.js';
import { signalOf } from './runbook/signal-rules.js';

export const MAX_PLANNED_QUERIES = 5;

export interface PlannedQuery {
  query: string;
  /** What the answer shows, in a few words. */
  why: string;
}

/** What the plan reads of an alert. */
export type PlanAlert = Pick<Alert, 'name' | 'annotations' | 'generatorURL' | 'target' | 'query'>;

/** A PromQL double-quoted string literal holding `value` exactly. */
export function promString(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/** `value` as an RE2 pattern matching only itself. */
export function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Deployment a pod named `<deployment>-<pod-template-hash>-<suffix>` belongs to, if the name has that shape. */
export function deploymentOfPodName(pod: string): string | undefined {
  return /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod)?.[1];
}

/**
 * The label matchers for the alert's workload: all pods of its Deployment (named, or read from the pod's name), so one
 * pod can be compared with its siblings; else the one pod. Undefined when the alert names no namespace and workload.
 */
export function workloadSelector(target: Alert['target']): string | undefined {
  const { namespace, pod, container } = target;
  if (!namespace) return undefined;
  const deployment = target.deployment ?? (pod ? deploymentOfPodName(pod) : undefined);
  const pods = deployment
    ? `pod=~${promString(`${regexLiteral(deployment)}-[a-z0-9]+-[a-z0-9]+`)}`
    : pod ? `pod=${promString(pod)}` : undefined;
  if (!pods) return undefined;
  const containers = container ? `container=${promString(container)}` : 'container!=""';
  return `namespace=${promString(namespace)},${pods},${containers}`;
}

/** The plan for one alert, at most MAX_PLANNED_QUERIES queries, no two the same. */
export function prometheusQueryPlan(alert: PlanAlert): PlannedQuery[] {
  const plan: PlannedQuery[] = [];
  const own = alert.query?.query.trim();
  if (own) plan.push({ query: own, why: 'the alert rule\'s expression' });
  const s = workloadSelector(alert.target);
  if (s) {
    const cpu = `sum by (pod) (rate(container_cpu_usage_seconds_total{${s}}[5m]))`;
    const cpuOfLimit = `${cpu} / sum by (pod) (kube_pod_container_resource_limits{${s},resource="cpu"})`;
    const memory = `sum by (pod) (container_memory_working_set_bytes{${s}})`;
    const restarts = {
      query: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${s}}[1h]))`,
      why: 'container restarts per pod in the last hour',
    };
    switch (signalOf({ alert: alert as Alert, facts: noFacts })) {
      case 'HighCPU':
        plan.push(
          { query: cpu, why: 'CPU cores used per pod' },
          { query: cpuOfLimit, why: 'CPU used per pod as a fraction of its limit' },
          {
            query: `sum by (pod) (increase(container_cpu_cfs_throttled_periods_total{${s}}[5m]))`
              + ` / sum by (pod) (increase(container_cpu_cfs_periods_total{${s}}[5m]))`,
            why: 'fraction of CPU periods throttled per pod',
          },
        );
        break;
      case 'HighMemory':
        plan.push(
          { query: memory, why: 'memory working set per pod' },
          {
            query: `${memory} / sum by (pod) (kube_pod_container_resource_limits{${s},resource="memory"})`,
            why: 'working set per pod as a fraction of its memory limit',
          },
        );
        break;
      case 'HighErrorRate':
      case 'HighLatency':
        // Saturation is the usual cause of slow or failing requests that the service's own metrics do not name.
        plan.push({ query: cpuOfLimit, why: 'CPU used per pod as a fraction of its limit' });
        break;
    }
    plan.push(restarts);
  }
  const seen = new Set<string>();
  return plan.filter((q) => {
    const key = q.query.replace(/\s+/g, ' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, MAX_PLANNED_QUERIES);
}

const noFacts: KubernetesFacts = { events: [], logs: [], problems: [] };
