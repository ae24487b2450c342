/**
 * After a remediation: did it work? The target's pods are all Ready with no new restarts since the baseline taken
 * before acting, and the alert's own PromQL is back on the healthy side of its threshold. What cannot be checked
 * (not configured, unreachable, refused) is said in the evidence and never counts as fixed.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { log } from '@temporalio/activity';
import type { Alert } from '../core/alert.js';
import type { Remediation } from '../core/diagnosis.js';
import { apiMessage } from './kubernetes-errors.js';
import type { KubernetesDeps } from './kubernetes.js';
import { createPrometheusActivities, type PrometheusDeps } from './prometheus.js';

export interface RestartBaseline {
  /** Total container restarts per pod name, read just before the remediation ran. */
  restarts: Record<string, number>;
  /** The controller of a pod about to be deleted, so its replacements can be found once the pod is gone. */
  owner?: { kind: string; name: string };
}

export interface VerifyRemediationInput {
  proposal: Remediation;
  alert: Alert;
  baseline?: RestartBaseline;
}

export interface VerificationResult {
  fixed: boolean;
  evidence: string[];
}

type Kube = NonNullable<KubernetesDeps['kubernetes']>;
/** One check's verdict: `undefined` passed means it could not be made (which is never "fixed"). */
type Check = { passed: boolean | undefined; evidence: string[] };

export function createVerificationActivities({ kubernetes, prometheus }: KubernetesDeps & PrometheusDeps) {
  const promql = createPrometheusActivities({ prometheus });

  /** Current restart counts of the proposal's pods, to compare against after the fix. */
  async function restartBaseline({ proposal }: { proposal: Remediation }): Promise<RestartBaseline> {
    if (!kubernetes) return { restarts: {} };
    try {
      const scope = await podScope(kubernetes, proposal, undefined);
      if (!scope) return { restarts: {} };
      return { restarts: Object.fromEntries(scope.pods.map((p) => [p.metadata?.name ?? '', restartsOf(p)])), owner: scope.owner };
    } catch (err) {
      log.warn('restart baseline unavailable', { proposalId: proposal.id, error: apiMessage(err) });
      return { restarts: {} };
    }
  }

  async function verifyRemediation({ proposal, alert, baseline }: VerifyRemediationInput): Promise<VerificationResult> {
    const checks = [await checkPods(proposal, baseline), await checkQuery(alert, proposal)].filter((c): c is Check => c !== undefined);
    const evidence = checks.flatMap((c) => c.evidence);
    if (!checks.length) return { fixed: false, evidence: ['Nothing could be checked: the proposal has no Kubernetes target and the alert no PromQL query.'] };
    return { fixed: checks.every((c) => c.passed === true), evidence };
  }

  async function checkPods(proposal: Remediation, baseline: RestartBaseline | undefined): Promise<Check | undefined> {
    if (proposal.target.kind === 'None' || (proposal.target.kind === 'Application' && !proposal.params.kind)) return undefined;
    if (!kubernetes) return { passed: undefined, evidence: ['Pods could not be checked: Kubernetes is not configured (set KUBECONFIG).'] };
    let scope: Awaited<ReturnType<typeof podScope>>;
    try {
      scope = await podScope(kubernetes, proposal, baseline);
    } catch (err) {
      return { passed: undefined, evidence: [`Pods could not be checked: Kubernetes answered ${apiMessage(err)}`] };
    }
    if (!scope) return { passed: undefined, evidence: [`Pods could not be checked: no workload found for ${describe(proposal)}.`] };
    const pods = scope.pods.filter((p) => !p.metadata?.deletionTimestamp);
    if (!pods.length) return { passed: false, evidence: [`${scope.what} has no pods running.`] };
    let passed = true;
    const evidence = pods.map((pod) => {
      const name = pod.metadata?.name ?? '?';
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      const since = restartsOf(pod) - (baseline?.restarts[name] ?? 0);
      const waiting = pod.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find(Boolean);
      if (!ready || since > 0) passed = false;
      const readiness = ready ? 'Ready' : `not Ready${waiting ? ` (${waiting})` : ''}`;
      const fresh = baseline?.restarts[name] === undefined ? ' (new pod)' : '';
      return `${name}: ${readiness}, ${Math.max(since, 0)} restart${since === 1 ? '' : 's'} since the fix${fresh}`;
    });
    return { passed, evidence };
  }

  async function checkQuery(alert: Alert, proposal: Remediation): Promise<Check | undefined> {
    const q = alert.query;
    if (!q?.query) return undefined;
    // A series of the deleted pod itself cannot recover (it only goes stale): its replacements are the evidence.
    if (proposal.action === 'pods_delete' && proposal.target.name && q.query.includes(`pod="${proposal.target.name}"`)) {
      return { passed: true, evidence: [`The alert's query is about pod ${proposal.target.name} itself, which was deleted; its replacements were checked instead.`] };
    }
    if (q.threshold === undefined) return { passed: undefined, evidence: [`${q.query} has no threshold to compare against, so it could not be checked.`] };
    const threshold = q.threshold;
    try {
      const now = await promql.prometheusMetricsQuery({ query: q.query });
      if (!now.ok) return { passed: undefined, evidence: [`${q.query} could not be checked: ${now.error}`] };
      const values = now.series.map((s) => ({ labels: s.labels, value: s.values.at(-1)?.[1] ?? null })).filter((s) => s.value !== null);
      if (!values.length) return { passed: undefined, evidence: [`${q.query} returned no data now, so recovery could not be confirmed.`] };
      // The comparison was stripped from the rule: the side the metric was on when the alert fired is the bad one.
      const firingBelow = await wasBelow(q.query, threshold, alert.startsAt);
      const healthy = (v: number) => (firingBelow ? v >= threshold : v <= threshold);
      const evidence = values.map(({ labels, value }) => {
        const series = Object.keys(labels).length > 0 && values.length > 1 ? ` ${labelText(labels)}` : '';
        const side = value! > threshold ? 'over' : value! < threshold ? 'under' : 'at';
        return `${q.query}${series} = ${round(value!)}, ${side} ${threshold}`;
      });
      return { passed: values.every((s) => healthy(s.value!)), evidence };
    } catch (err) {
      return { passed: undefined, evidence: [`${q.query} could not be checked: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }

  async function wasBelow(query: string, threshold: number, startsAt: string): Promise<boolean> {
    const at = Date.parse(startsAt);
    if (!Number.isFinite(at)) return false;
    const then = await promql.prometheusMetricsQuery({ query, time: at / 1000 }).catch(() => undefined);
    const values = then?.ok ? then.series.map((s) => s.values.at(-1)?.[1]).filter((v): v is number => typeof v === 'number') : [];
    return values.length > 0 && values.every((v) => v < threshold);
  }

  return { restartBaseline, verifyRemediation };
}

/**
 * The pods a proposal is about: a Deployment's by its selector; for a pod, its controller's pods (the replacements,
 * once it is deleted); an ArgoCD resource action's Deployment.
 */
async function podScope(
  kubernetes: Kube, proposal: Remediation, baseline: RestartBaseline | undefined,
): Promise<{ what: string; pods: V1Pod[]; owner?: { kind: string; name: string } } | undefined> {
  const { target, params } = proposal;
  const namespace = (target.kind === 'Application' ? params.namespace : target.namespace) as string | undefined;
  if (!namespace) return undefined;
  if (target.kind === 'Deployment' || (target.kind === 'Application' && params.kind === 'Deployment')) {
    const name = (target.kind === 'Deployment' ? target.name : params.name) as string;
    const d = await kubernetes.apps.readNamespacedDeployment({ name, namespace });
    return { what: `Deployment ${namespace}/${name}`, pods: await podsBySelector(kubernetes, namespace, d.spec?.selector?.matchLabels) };
  }
  if (target.kind !== 'Pod' || !target.name) return undefined;
  let owner = baseline?.owner;
  try {
    const pod = await kubernetes.core.readNamespacedPod({ name: target.name, namespace });
    const ref = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    owner ??= ref && { kind: ref.kind, name: ref.name };
    if (!owner) return { what: `Pod ${namespace}/${target.name}`, pods: [pod] };
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
    // Gone, as intended: a ReplicaSet's pod is named after it (`cart-7d9f8b6c5-x2k4p` belongs to `cart-7d9f8b6c5`).
    owner ??= { kind: 'ReplicaSet', name: target.name.replace(/-[a-z0-9]{5}$/, '') };
  }
  if (owner.kind !== 'ReplicaSet') return { what: `${owner.kind} ${namespace}/${owner.name}`, pods: await podsOwnedBy(kubernetes, namespace, owner.name) };
  const rs = (await kubernetes.apps.listNamespacedReplicaSet({ namespace })).items.find((r) => r.metadata?.name === owner.name);
  if (!rs) return { what: `ReplicaSet ${namespace}/${owner.name}`, pods: await podsOwnedBy(kubernetes, namespace, owner.name), owner };
  // Under a Deployment the replacement may come from a newer ReplicaSet (a rollout): its selector covers both.
  const deployment = rs.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment');
  if (deployment) {
    const d = await kubernetes.apps.readNamespacedDeployment({ name: deployment.name, namespace });
    return { what: `Deployment ${namespace}/${deployment.name}`, pods: await podsBySelector(kubernetes, namespace, d.spec?.selector?.matchLabels), owner };
  }
  return { what: `ReplicaSet ${namespace}/${owner.name}`, pods: await podsBySelector(kubernetes, namespace, rs.spec?.selector?.matchLabels), owner };
}

async function podsBySelector(kubernetes: Kube, namespace: string, labels: Record<string, string> | undefined): Promise<V1Pod[]> {
  if (!labels || !Object.keys(labels).length) return [];
  const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  return (await kubernetes.core.listNamespacedPod({ namespace, labelSelector })).items;
}

async function podsOwnedBy(kubernetes: Kube, namespace: string, owner: string): Promise<V1Pod[]> {
  const pods = (await kubernetes.core.listNamespacedPod({ namespace })).items;
  return pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.name === owner));
}

function restartsOf(pod: V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

function describe(proposal: Remediation): string {
  const { kind, namespace, name } = proposal.target;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? ''}`;
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}
