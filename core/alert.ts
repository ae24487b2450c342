import { shortHash } from './hash.js';

/** The one shape every alert source is normalised to before an incident starts. */
export type AlertSource = 'alertmanager' | 'generic' | 'slack' | 'grafana' | 'sentry' | 'datadog';
export type Severity = 'critical' | 'warning' | 'info';
export type AlertStatus = 'firing' | 'resolved';

export interface Alert {
  /** Stable identity of this firing; the incident workflow ID is derived from it (see incidentWorkflowId). */
  key: string;
  source: AlertSource;
  status: AlertStatus;
  name: string;
  severity: Severity;
  summary: string;
  description: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  /** Kubernetes object the alert is about, when its labels say so. */
  target: KubernetesTarget;
  /** The rule's PromQL and threshold, when the source says (Prometheus' generator URL): charted in the thread. */
  query?: { query: string; threshold?: number };
  /** Where the alert already lives in Slack, when it arrived as a Slack message. */
  slack?: { teamId: string; channel: string; ts: string };
  /** Alertmanager's groupKey, when the webhook carried one: alerts sharing it join one storm thread (core/storm.ts). */
  groupKey?: string;
}

export interface KubernetesTarget {
  namespace?: string;
  pod?: string;
  container?: string;
  deployment?: string;
  node?: string;
}

export function incidentWorkflowId(alert: Pick<Alert, 'key'>): string {
  return `incident-${alert.key}`;
}

const severityWords: Record<string, Severity> = {
  critical: 'critical', crit: 'critical', page: 'critical', high: 'critical', error: 'critical', fatal: 'critical',
  p1: 'critical', p2: 'critical', sev1: 'critical', sev2: 'critical',
  warning: 'warning', warn: 'warning', medium: 'warning', p3: 'warning', sev3: 'warning',
  info: 'info', informational: 'info', low: 'info', none: 'info', p4: 'info', p5: 'info', sev4: 'info',
};

export function normaliseSeverity(value: string | undefined, fallback: Severity = 'warning'): Severity {
  return (value && severityWords[value.trim().toLowerCase()]) || fallback;
}

/** Reads the Kubernetes object out of the label names kube-state-metrics, cAdvisor and common rules use. */
export function kubernetesTarget(labels: Record<string, string>): KubernetesTarget {
  const pick = (...names: string[]) => names.map((n) => labels[n]).find((v) => typeof v === 'string' && v !== '');
  const target: KubernetesTarget = {
    namespace: pick('namespace', 'exported_namespace', 'kubernetes_namespace', 'k8s_namespace_name'),
    pod: pick('pod', 'pod_name', 'exported_pod', 'kubernetes_pod_name', 'k8s_pod_name'),
    container: pick('container', 'container_name', 'k8s_container_name'),
    deployment: pick('deployment', 'k8s_deployment_name'),
    node: pick('node', 'kubernetes_node', 'instance_node', 'k8s_node_name'),
  };
  return Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined)) as KubernetesTarget;
}

/** Labels that change while an alert stays the same alert (a value, an escalated severity, a new release). */
const volatileLabels = new Set(['value', 'severity', 'priority', 'level', 'alertstate', 'release', '__value_string__']);

/** Identity of an alert across messages and deliveries: a later `[RESOLVED]` gives the same fingerprint as its firing. */
export function alertFingerprint(alert: Pick<Alert, 'source' | 'name' | 'labels'>): string {
  const labels = Object.fromEntries(Object.entries(alert.labels).filter(([k]) => !volatileLabels.has(k)));
  return shortHash({ source: alert.source, name: alert.name, labels });
}
