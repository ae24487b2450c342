/** Helpers shared by the runbook rules: proposals, evidence lines, quantities and revision history. */
import type { Category, Diagnosis, Remediation } from '../diagnosis.js';
import type {
  ContainerStatusLike, EventLike, KubernetesFacts, PodLike, ReplicaSetLike,
} from '../kubernetes-facts.js';

export type Proposal = Omit<Remediation, 'id'>;

export function finish(category: Category, summary: string, evidence: string[], proposals: Proposal[], advice?: string): Diagnosis {
  const fallback = advice ?? 'No safe automatic action: the fix needs a change to the workload\'s spec or its image.';
  const remediations = proposals.length ? proposals : [none(fallback)];
  return { category, summary, evidence: [...new Set(evidence)], remediations: remediations.map((r, i) => ({ ...r, id: `p${i + 1}` })) };
}

export function none(rationale: string): Remediation {
  return { id: 'p1', action: 'none', target: { kind: 'None' }, params: {}, rationale };
}

export function podRef(pod: PodLike): string {
  return `${pod.metadata?.namespace ?? '?'}/${pod.metadata?.name ?? '?'}`;
}

export function stateText(status: ContainerStatusLike): string {
  const s = status.state;
  if (s?.waiting) return `waiting (${s.waiting.reason ?? 'unknown'})`;
  if (s?.terminated) return `terminated (${s.terminated.reason ?? 'unknown'})`;
  return s?.running ? 'running' : 'unknown';
}

export function statuses(pod: PodLike | undefined): ContainerStatusLike[] {
  return [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
}

const errorLine = /(panic|fatal|error|exception|refused|denied|not found|no such|timeout|killed)/i;
const fatalLine = /(^panic:|fatal|"level":"(error|fatal|critical)"|\b(ERROR|FATAL|CRITICAL)\b|Exception|Traceback)/;
// Stack frames and runtime internals repeat the error without explaining it.
const stackFrame = /^(goroutine \d+|panic\(|\/|at |File "|\S+\.(go|js|ts|py|java):\d+( \+0x[0-9a-f]+)?$|[\w.$]+\([^"]*\)$)/;

/** The last distinct fatal (else error) lines of the container's logs, previous run first: where a crash explains itself. */
export function logSignatures(facts: KubernetesFacts, container: string): string[] {
  const excerpts = facts.logs.filter((l) => l.container === container).sort((a, b) => Number(b.previous) - Number(a.previous));
  for (const excerpt of excerpts) {
    const lines = excerpt.text.split('\n').map((l) => l.trim()).filter((l) => errorLine.test(l) && !stackFrame.test(l));
    // Fatal lines explain a crash better than the warnings and retries before them.
    const fatal = lines.filter((l) => fatalLine.test(l));
    const distinct = [...new Set(fatal.length ? fatal : lines)].slice(-2);
    if (distinct.length) return distinct.map((l) => `${excerpt.previous ? 'Previous' : 'Current'} log: ${l.slice(0, 300)}`);
  }
  return [];
}

export function allLogText(facts: KubernetesFacts, container?: string): string {
  return facts.logs.filter((l) => !container || l.container === container).map((l) => l.text).join('\n');
}

export function eventLine(e: EventLike): string {
  return `Event ${e.reason ?? '?'}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`.slice(0, 300);
}

export function eventLines(facts: KubernetesFacts, filter: (e: EventLike) => boolean = () => true): string[] {
  return facts.events.filter((e) => e.type === 'Warning' && filter(e)).slice(-3).map(eventLine);
}

export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Multiplies a Kubernetes quantity, keeping its unit ('256Mi' * 1.5 = '384Mi'). */
export function scaleQuantity(quantity: string, factor: number): string {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity.trim());
  if (!m) return quantity;
  return `${Math.ceil(Number(m[1]) * factor)}${m[2]}`;
}

/** A memory quantity times `factor`, in Mi when Gi would round (1Gi * 1.5 = 1536Mi, not 2Gi). */
export function raiseMemory(quantity: string, factor: number): string {
  const m = /^(\d+(?:\.\d+)?)(Gi|G)$/.exec(quantity.trim());
  if (m && !Number.isInteger(Number(m[1]) * factor)) return `${Math.ceil(Number(m[1]) * factor * (m[2] === 'Gi' ? 1024 : 1000))}${m[2] === 'Gi' ? 'Mi' : 'M'}`;
  return scaleQuantity(quantity, factor);
}

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes quantity as a plain number (bytes, or cores for CPU); undefined when unreadable. */
export function parseQuantity(quantity: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity?.trim() ?? '');
  if (!m) return undefined;
  const unit = binary[m[2]] ?? decimal[m[2]];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

export function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)}%`;
}

export function revision(rs: ReplicaSetLike): number {
  return Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? NaN);
}

export interface RevisionChange {
  current: ReplicaSetLike;
  previous: ReplicaSetLike;
}

/**
 * The newest and the previous revision of the Deployment, when the newest is a recent change that can be undone:
 * the rollout has not finished, the previous ReplicaSet still serves pods, or the new one appeared shortly before the alert.
 */
export function recentRevision(facts: KubernetesFacts, alertStart?: string): RevisionChange | undefined {
  const sets = [...(facts.replicaSets ?? [])].filter((rs) => Number.isFinite(revision(rs))).sort((a, b) => revision(b) - revision(a));
  if (sets.length < 2) return undefined;
  const [current, previous] = sets;
  const conditions = facts.deployment?.status?.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const rolling = progressing?.reason === 'ReplicaSetUpdated' || progressing?.reason === 'ProgressDeadlineExceeded';
  const oldServing = (previous.status?.readyReplicas ?? 0) > 0;
  const created = Date.parse(current.metadata?.creationTimestamp ?? '');
  const start = Date.parse(alertStart ?? '');
  const fresh = Number.isFinite(created) && Number.isFinite(start) && start - created < 2 * 3600_000 && start >= created - 60_000;
  return rolling || oldServing || fresh ? { current, previous } : undefined;
}

export function imageOf(rs: ReplicaSetLike): string {
  return (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? c.name).join(', ');
}

export function undoProposal(facts: KubernetesFacts, namespace: string | undefined, name: string, change: RevisionChange): Proposal {
  return {
    action: 'deployments_rollout_undo',
    target: { kind: 'Deployment', namespace, name, uid: facts.deployment?.metadata?.uid },
    params: { toRevision: revision(change.previous) },
    rationale: `Revision ${revision(change.current)} (${imageOf(change.current)}) broke while revision ${revision(change.previous)} `
      + `(${imageOf(change.previous)}) worked; rolling back restores service while the change is fixed.`,
  };
}

export function revisionEvidence(change: RevisionChange): string {
  return `Deployment revision ${revision(change.current)} (${change.current.metadata?.name}, ${imageOf(change.current)}) `
    + `replaced revision ${revision(change.previous)} (${change.previous.metadata?.name}, ${imageOf(change.previous)})`;
}
