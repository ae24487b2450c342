import type { Alert } from './alert.js';
import type { Category, Diagnosis, Remediation } from './diagnosis.js';
import { owningDeployment, type ContainerStatusLike, type KubernetesFacts, type PodLike } from './kubernetes-facts.js';

/**
 * The built-in runbook analyser: a deterministic diagnosis from the alert and the cluster facts, so Lookout is useful
 * with no LLM at all. Each rule quotes the values it saw as evidence.
 */
export function analyse(alert: Alert, facts: KubernetesFacts): Diagnosis {
  const pod = facts.pod;
  if (pod) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const found = firstMatch(statuses);
    if (found) return diagnosePodProblem(alert, facts, pod, found.status, found.category);
    const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (pod.status?.phase === 'Pending' && unschedulable) {
      return {
        category: 'Unschedulable',
        summary: `Pod ${podRef(pod)} cannot be scheduled: ${unschedulable.message ?? unschedulable.reason ?? 'no reason given'}.`,
        evidence: [`PodScheduled=False (${unschedulable.reason ?? 'unknown'}): ${unschedulable.message ?? ''}`.trim(), ...eventLines(facts)],
        remediations: [none('Free capacity or relax the pod\'s requests, node selectors or affinity; no safe automatic action.')],
      };
    }
  }
  const evidence = [...facts.problems.map((p) => `Not checked: ${p}`), ...eventLines(facts)];
  return {
    category: 'Unknown',
    summary: `${alert.name}: ${alert.summary}. The cluster state gathered does not match a known failure pattern.`,
    evidence: evidence.length ? evidence : [`Alert labels: ${labelText(alert.labels)}`],
    remediations: [none('Investigate manually; no known pattern matched, so no automatic action is proposed.')],
  };
}

const waitingCategories: Record<string, Category> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImagePull: 'ImagePullBackOff',
  InvalidImageName: 'ImagePullBackOff',
  CreateContainerConfigError: 'CreateContainerConfigError',
};

function firstMatch(statuses: ContainerStatusLike[]): { status: ContainerStatusLike; category: Category } | undefined {
  for (const status of statuses) {
    const waiting = status.state?.waiting?.reason;
    const lastReason = status.lastState?.terminated?.reason ?? status.state?.terminated?.reason;
    if (lastReason === 'OOMKilled') return { status, category: 'OOMKilled' };
    if (waiting && waitingCategories[waiting]) return { status, category: waitingCategories[waiting] };
  }
  return undefined;
}

function diagnosePodProblem(
  alert: Alert, facts: KubernetesFacts, pod: PodLike, status: ContainerStatusLike, category: Category,
): Diagnosis {
  const ref = podRef(pod);
  const last = status.lastState?.terminated;
  const evidence = [
    `Container ${status.name}: state ${stateText(status)}, restarts ${status.restartCount ?? 0}`,
    ...(last ? [`Last termination: reason ${last.reason ?? 'unknown'}, exit code ${last.exitCode ?? '?'}${last.finishedAt ? ` at ${last.finishedAt}` : ''}`] : []),
    ...logSignatures(facts, status.name),
    ...eventLines(facts),
  ];
  const deployment = owningDeployment(pod) ?? alert.target.deployment;
  const namespace = pod.metadata?.namespace ?? alert.target.namespace;
  switch (category) {
    case 'OOMKilled': {
      const limit = pod.spec?.containers?.find((c) => c.name === status.name)?.resources?.limits?.memory;
      const proposals: Omit<Remediation, 'id'>[] = [];
      if (deployment && limit) {
        proposals.push({
          action: 'resources_patch',
          target: { kind: 'Deployment', namespace, name: deployment },
          params: { container: status.name, limits: { memory: scaleQuantity(limit, 1.5) } },
          rationale: `The container was killed for exceeding its ${limit} memory limit; raising it by half gives headroom.`,
        });
      }
      return finish('OOMKilled', `Container ${status.name} in ${ref} is being OOM-killed${limit ? ` at its ${limit} memory limit` : ''}.`, evidence, proposals);
    }
    case 'CrashLoopBackOff': {
      const proposals: Omit<Remediation, 'id'>[] = [{
        action: 'pods_delete',
        target: { kind: 'Pod', namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
        params: {},
        rationale: 'Deleting the pod lets its ReplicaSet start a fresh one, clearing the back-off and any bad local state.',
      }];
      if (deployment) {
        proposals.push({
          action: 'deployments_rollout_restart',
          target: { kind: 'Deployment', namespace, name: deployment },
          params: {},
          rationale: `Restarting every pod of ${deployment} helps when the cause is shared start-up state.`,
        });
      }
      const why = last ? ` after exiting with code ${last.exitCode ?? '?'} (${last.reason ?? 'unknown'})` : '';
      return finish('CrashLoopBackOff', `Container ${status.name} in ${ref} keeps crashing${why} and is in CrashLoopBackOff.`, evidence, proposals);
    }
    case 'ImagePullBackOff':
      return finish('ImagePullBackOff', `Pod ${ref} cannot pull image ${status.image ?? 'unknown'}: ${status.state?.waiting?.message ?? status.state?.waiting?.reason}.`, evidence, []);
    default:
      return finish(category, `Container ${status.name} in ${ref} cannot start: ${status.state?.waiting?.message ?? category}.`, evidence, []);
  }
}

function finish(category: Category, summary: string, evidence: string[], proposals: Omit<Remediation, 'id'>[]): Diagnosis {
  const remediations = proposals.length ? proposals : [none('No safe automatic action: the fix needs a change to the workload\'s spec or its image.')];
  return { category, summary, evidence, remediations: remediations.map((r, i) => ({ ...r, id: `p${i + 1}` })) };
}

function none(rationale: string): Remediation {
  return { id: 'p1', action: 'none', target: { kind: 'None' }, params: {}, rationale };
}

function podRef(pod: PodLike): string {
  return `${pod.metadata?.namespace ?? '?'}/${pod.metadata?.name ?? '?'}`;
}

function stateText(status: ContainerStatusLike): string {
  const s = status.state;
  if (s?.waiting) return `waiting (${s.waiting.reason ?? 'unknown'})`;
  if (s?.terminated) return `terminated (${s.terminated.reason ?? 'unknown'})`;
  return s?.running ? 'running' : 'unknown';
}

const errorLine = /(panic|fatal|error|exception|refused|denied|not found|no such|timeout|killed)/i;
const fatalLine = /(^panic:|fatal|"level":"(error|fatal|critical)"|\b(ERROR|FATAL|CRITICAL)\b|Exception|Traceback)/;
// Stack frames and runtime internals repeat the error without explaining it.
const stackFrame = /^(goroutine \d+|panic\(|\/|at |File "|\S+\.(go|js|ts|py|java):\d+( \+0x[0-9a-f]+)?$|[\w.$]+\([^"]*\)$)/;

/** The last distinct fatal (else error) lines of the container's logs, previous run first: where a crash explains itself. */
function logSignatures(facts: KubernetesFacts, container: string): string[] {
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

function eventLines(facts: KubernetesFacts): string[] {
  return facts.events
    .filter((e) => e.type === 'Warning')
    .slice(-3)
    .map((e) => `Event ${e.reason ?? '?'}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`.slice(0, 300));
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Multiplies a Kubernetes memory quantity, keeping its unit ('256Mi' * 1.5 = '384Mi'). */
export function scaleQuantity(quantity: string, factor: number): string {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity.trim());
  if (!m) return quantity;
  return `${Math.ceil(Number(m[1]) * factor)}${m[2]}`;
}
