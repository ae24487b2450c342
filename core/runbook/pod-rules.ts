/** Rules that read a pod's own state: container states, scheduling, volumes, probes, its node and its rollout. */
import type { Category, Diagnosis } from '../diagnosis.js';
import type { ContainerStatusLike, EventLike } from '../kubernetes-facts.js';
import {
  allLogText, eventLine, eventLines, finish, logSignatures, none, parseQuantity, percent, podRef, recentRevision, revisionEvidence,
  raiseMemory, stateText, statuses, undoProposal, type Proposal,
} from './common.js';
import { isReady, nodeReady, podsOf, type RuleContext } from './context.js';

const waitingCategories: Record<string, Category> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImagePull: 'ImagePullBackOff',
  InvalidImageName: 'ImagePullBackOff',
  CreateContainerConfigError: 'CreateContainerConfigError',
  CreateContainerError: 'CreateContainerConfigError',
};

const liveness = (e: EventLike) => /liveness probe failed|failed liveness probe/i.test(e.message ?? '');
const probeEvent = (e: EventLike) => e.reason === 'Unhealthy' || liveness(e);

function firstMatch(list: ContainerStatusLike[]): { status: ContainerStatusLike; category: Category } | undefined {
  for (const status of list) {
    const lastReason = status.lastState?.terminated?.reason ?? status.state?.terminated?.reason;
    if (lastReason === 'OOMKilled') return { status, category: 'OOMKilled' };
  }
  for (const status of list) {
    const waiting = status.state?.waiting?.reason;
    if (waiting && waitingCategories[waiting]) return { status, category: waitingCategories[waiting] };
  }
  for (const status of list) {
    const last = status.lastState?.terminated ?? status.state?.terminated;
    if ((status.restartCount ?? 0) >= 3 && last && last.exitCode !== 0) return { status, category: 'CrashLoopBackOff' };
  }
  return undefined;
}

/** The pod's node is NotReady (node conditions, or the node controller's events). */
export function nodeRule(ctx: RuleContext): Diagnosis | undefined {
  const nodeName = ctx.pod?.spec?.nodeName ?? ctx.alert.target.node;
  const node = (ctx.facts.nodes ?? []).find((n) => n.metadata?.name === nodeName)
    ?? (ctx.pod ? undefined : (ctx.facts.nodes ?? []).find((n) => !nodeReady(n).ready));
  const notReadyEvents = ctx.facts.events.filter((e) => e.reason === 'NodeNotReady' || /node is not ready|NodeNotReady/i.test(e.message ?? ''));
  const state = node && nodeReady(node);
  // A node that reports Ready now outranks older NodeNotReady events.
  if (state ? state.ready : !notReadyEvents.length) return undefined;
  const name = node?.metadata?.name ?? nodeName ?? 'unknown';
  const evidence = [
    ...(state ? [`Node ${name}: ${state.text}`] : []),
    ...(node?.status?.conditions ?? []).filter((c) => c.type !== 'Ready' && c.status !== 'False').map((c) => `Node condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`),
    ...(node?.spec?.taints ?? []).map((t) => `Taint ${t.key}:${t.effect}`),
    ...notReadyEvents.slice(-3).map(eventLine),
    ...(ctx.pod ? [`Pod ${podRef(ctx.pod)} runs on ${name} (phase ${ctx.pod.status?.phase ?? '?'})`] : []),
  ];
  return finish('NodeNotReady', `Node ${name} is NotReady${state ? ` (${state.text})` : ''}; its pods cannot run or report.`, evidence, [],
    `Check the node's kubelet and container runtime (or its cloud instance); cordon and drain ${name} if it does not recover. `
    + 'Pods are evicted after the not-ready toleration, so no pod-level action is safe.');
}

/** A Deployment whose rollout passed its progress deadline, when the alert is about the Deployment. */
export function rolloutRule(ctx: RuleContext): Diagnosis | undefined {
  const d = ctx.facts.deployment;
  if (!d || (ctx.alert.target.pod && !/rollout|replicasmismatch|generation/i.test(ctx.alert.name))) return undefined;
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  const stuck = progressing?.reason === 'ProgressDeadlineExceeded'
    || (/rollout/i.test(ctx.alert.name) && (d.status?.updatedReplicas ?? 0) < (d.spec?.replicas ?? 0));
  if (!stuck) return undefined;
  const name = d.metadata?.name ?? ctx.deployment ?? '?';
  const evidence = [
    ...(progressing ? [`Deployment ${name}: Progressing=${progressing.status} (${progressing.reason ?? '?'}): ${progressing.message ?? ''}`.trim()] : []),
    `Replicas: desired ${d.spec?.replicas ?? '?'}, updated ${d.status?.updatedReplicas ?? 0}, ready ${d.status?.readyReplicas ?? 0}, unavailable ${d.status?.unavailableReplicas ?? 0}`,
  ];
  const change = recentRevision(ctx.facts, ctx.alert.startsAt);
  if (change) evidence.push(revisionEvidence(change));
  const cause = ctx.pod && firstMatch(statuses(ctx.pod));
  if (ctx.pod && cause) {
    evidence.push(`New pod ${podRef(ctx.pod)}: container ${cause.status.name} ${stateText(cause.status)}${cause.status.state?.waiting?.message ? `: ${cause.status.state.waiting.message}` : ''}`);
  }
  evidence.push(...eventLines(ctx.facts));
  const proposals: Proposal[] = change ? [undoProposal(ctx.facts, ctx.namespace, name, change)] : [];
  const why = cause ? `; its new pods are in ${cause.category}` : '';
  return finish('DeploymentRolloutStuck', `The rollout of Deployment ${ctx.namespace}/${name} is stuck${why}.`, evidence, proposals,
    'No previous revision to return to: fix the new pod template, then roll out again.');
}

/** Container states: OOM kills, crash loops, image pulls, config errors; and liveness kills mistaken for crashes. */
export function containerRule(ctx: RuleContext): Diagnosis | undefined {
  const pod = ctx.pod;
  const found = pod && firstMatch(statuses(pod));
  if (!pod || !found) return undefined;
  const { status } = found;
  const last = status.lastState?.terminated;
  const livenessKills = ctx.facts.events.filter(liveness);
  const category: Category = found.category === 'CrashLoopBackOff' && livenessKills.length && last && [137, 143].includes(last.exitCode ?? 0)
    ? 'ProbeFailure' : found.category;
  if (category === 'ProbeFailure') return probeRule(ctx);
  const ref = podRef(pod);
  const evidence = [
    `Container ${status.name}: state ${stateText(status)}, restarts ${status.restartCount ?? 0}`,
    ...(status.state?.waiting?.message ? [`Waiting message: ${status.state.waiting.message}`.slice(0, 300)] : []),
    ...(last ? [`Last termination: reason ${last.reason ?? 'unknown'}, exit code ${last.exitCode ?? '?'}${last.finishedAt ? ` at ${last.finishedAt}` : ''}`] : []),
    ...logSignatures(ctx.facts, status.name),
    ...eventLines(ctx.facts),
  ];
  const usage = ctx.facts.metrics?.[ref];
  if (usage) evidence.push(`Pod usage now (metrics.k8s.io): cpu ${usage.cpu ?? '?'}, memory ${usage.memory ?? '?'}`);
  const change = recentRevision(ctx.facts, ctx.alert.startsAt);
  if (change) evidence.push(revisionEvidence(change));
  const { deployment, namespace } = ctx;
  const undo = change && deployment ? [undoProposal(ctx.facts, namespace, deployment, change)] : [];
  switch (category) {
    case 'OOMKilled': {
      const limit = pod.spec?.containers?.find((c) => c.name === status.name)?.resources?.limits?.memory;
      const proposals: Proposal[] = [];
      const oomLine = allLogText(ctx.facts, status.name).split('\n').reverse()
        .find((l) => /out of memory|OutOfMemoryError|MemoryError|heap (limit|usage|out)|Killed process|oom/i.test(l));
      if (oomLine && !evidence.some((e) => e.includes(oomLine.trim()))) evidence.push(`Log: ${oomLine.trim().slice(0, 300)}`);
      const used = parseQuantity(usage?.memory);
      const max = parseQuantity(limit);
      const seen = used && max ? ` (it was back at ${usage?.memory}, ${percent(used, max)} of the limit, soon after restarting)` : '';
      if (deployment && limit) {
        // Half again: clears a peak that barely crossed the limit; more would hide a leak, less would OOM again.
        const factor = 1.5;
        proposals.push({
          action: 'resources_patch',
          target: { kind: 'Deployment', namespace, name: deployment, uid: ctx.facts.deployment?.metadata?.uid },
          params: { container: status.name, limits: { memory: raiseMemory(limit, factor) } },
          rationale: `The kernel killed ${status.name} (exit 137) at its ${limit} memory limit, ${status.restartCount ?? 0} restarts so far${seen}; `
            + `raising it by half to ${raiseMemory(limit, factor)} clears the peak without doubling what the node must reserve.`,
        });
      }
      proposals.push(...undo);
      return finish('OOMKilled', `Container ${status.name} in ${ref} is being OOM-killed${limit ? ` at its ${limit} memory limit` : ''}.`, evidence, proposals,
        limit ? 'The pod has no Deployment to patch: raise the memory limit in its owner\'s spec.' : 'The container has no memory limit: the node itself ran out of memory; check node pressure.');
    }
    case 'CrashLoopBackOff': {
      const logs = allLogText(ctx.facts, status.name);
      const config = /(environment variable|env var|config(uration)?)\b.*\b(not set|missing|required|is empty|not found|invalid)|missing required|no such file or directory/i.exec(logs);
      const proposals: Proposal[] = [...undo];
      if (!config || change) {
        proposals.push({
          action: 'pods_delete',
          target: { kind: 'Pod', namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
          params: {},
          rationale: 'Deleting the pod lets its ReplicaSet start a fresh one, clearing the back-off and any bad local state.',
        });
        if (deployment) {
          proposals.push({
            action: 'deployments_rollout_restart',
            target: { kind: 'Deployment', namespace, name: deployment },
            params: {},
            rationale: `Restarting every pod of ${deployment} helps when the cause is shared start-up state.`,
          });
        }
      }
      const why = last ? ` after exiting with code ${last.exitCode ?? '?'} (${last.reason ?? 'unknown'})` : '';
      return finish('CrashLoopBackOff', `Container ${status.name} in ${ref} keeps crashing${why} and is in CrashLoopBackOff.`, evidence, proposals,
        `The container exits because its configuration is incomplete (${config?.[0].slice(0, 120) ?? ''}); restarting will not help. Supply it and roll out again.`);
    }
    case 'ImagePullBackOff':
      return finish('ImagePullBackOff', `Pod ${ref} cannot pull image ${status.image ?? 'unknown'}: ${status.state?.waiting?.message ?? status.state?.waiting?.reason}.`, evidence, undo,
        'No earlier working revision to return to: check the image name and tag, the registry and the pull secret.');
    default: {
      const message = status.state?.waiting?.message ?? '';
      const key = /couldn't find key (\S+) in (\S+ \S+)/.exec(message);
      const missing = /(secret|configmap) "([^"]+)" not found/i.exec(message);
      const advice = key ? `Add key ${key[1]} to ${key[2]} (or fix the reference), then the kubelet starts the container by itself.`
        : missing ? `Create ${missing[1]} ${missing[2]} in ${namespace} (or fix the reference); the kubelet retries by itself.`
          : 'Fix the container\'s configuration reference; no safe automatic action.';
      return { ...finish(category, `Container ${status.name} in ${ref} cannot start: ${message || category}.`, evidence, []), remediations: [none(advice), ...undo].map((r, i) => ({ ...r, id: `p${i + 1}` })) };
    }
  }
}

/** A pending pod: volumes that will not bind, or a scheduler that finds no node. */
export function pendingRule(ctx: RuleContext): Diagnosis | undefined {
  const pod = ctx.pod;
  const scheduled = pod?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const failedScheduling = ctx.facts.events.filter((e) => e.reason === 'FailedScheduling');
  const claims = (pod?.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  const volumeEvents = ctx.facts.events.filter((e) => e.involvedObject?.kind === 'PersistentVolumeClaim'
    || ['ProvisioningFailed', 'FailedAttachVolume', 'FailedBinding'].includes(e.reason ?? '')
    || (e.reason === 'FailedMount' && !/configmap|secret/i.test(e.message ?? '')));
  const pvcText = /unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|waiting for first consumer|ProvisioningFailed/i;
  const pvcProblem = volumeEvents.some((e) => e.type === 'Warning' || pvcText.test(e.message ?? ''))
    || failedScheduling.some((e) => pvcText.test(e.message ?? ''));
  const pending = pod?.status?.phase === 'Pending';
  if (pvcProblem && (pending || !pod)) {
    const evidence = [
      ...(pod ? [`Pod ${podRef(pod)}: phase ${pod.status?.phase ?? '?'}${claims.length ? `, claims ${claims.join(', ')}` : ''}`] : []),
      ...[...volumeEvents, ...failedScheduling].slice(-4).map(eventLine),
    ];
    const why = [...volumeEvents, ...failedScheduling].map((e) => e.message ?? '').find((m) => /fail|error|not found/i.test(m)) ?? 'the claim is not bound';
    return finish('PVCPending', `${pod ? `Pod ${podRef(pod)}` : 'The workload'} is waiting for its PersistentVolumeClaim${claims.length ? ` ${claims.join(', ')}` : ''}: ${why.slice(0, 200)}.`, evidence, [],
      'Check the claim\'s StorageClass and its provisioner (name, quota, zone); a claim that never binds needs a storage fix, not a pod action.');
  }
  if (!pending || !(scheduled?.status === 'False' || failedScheduling.length)) return undefined;
  const message = failedScheduling.at(-1)?.message ?? scheduled?.message ?? scheduled?.reason ?? 'no reason given';
  const reasons = /nodes are available: ([^.]+)\./.exec(message)?.[1] ?? message;
  const requests = (pod!.spec?.containers ?? []).map((c) => `${c.name} ${Object.entries(c.resources?.requests ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`);
  return finish('Unschedulable', `Pod ${podRef(pod!)} cannot be scheduled: ${message}`, [
    ...(scheduled ? [`PodScheduled=${scheduled.status} (${scheduled.reason ?? 'unknown'}): ${scheduled.message ?? ''}`.trim()] : []),
    `Requests: ${requests.join('; ')}`,
    ...eventLines(ctx.facts),
  ], [], `The scheduler reports: ${reasons}. Free or add capacity, or relax the pod's requests, node selectors, affinity or tolerations; no safe automatic action.`);
}

/** Readiness or liveness probes failing on a running pod. */
export function probeRule(ctx: RuleContext): Diagnosis | undefined {
  const pod = ctx.pod;
  const probes = ctx.facts.events.filter(probeEvent);
  if (!pod || !probes.length) return undefined;
  const unready = statuses(pod).filter((s) => !s.ready);
  if (!unready.length && !probes.some(liveness)) return undefined;
  const status = unready[0] ?? statuses(pod)[0];
  const pods = podsOf(ctx);
  const healthy = pods.filter((p) => p !== pod && p.metadata?.name !== pod.metadata?.name && isReady(p));
  const evidence = [
    ...(status ? [`Container ${status.name}: ready ${status.ready ?? false}, state ${stateText(status)}, restarts ${status.restartCount ?? 0}`] : []),
    ...probes.slice(-3).map(eventLine),
    ...(status ? logSignatures(ctx.facts, status.name) : []),
    ...(pods.length > 1 ? [`${healthy.length} of ${pods.length - 1} sibling pods are Ready`] : []),
  ];
  const change = recentRevision(ctx.facts, ctx.alert.startsAt);
  if (change) evidence.push(revisionEvidence(change));
  const proposals: Proposal[] = [];
  if (change && ctx.deployment) proposals.push(undoProposal(ctx.facts, ctx.namespace, ctx.deployment, change));
  const everyone = pods.length > 1 && healthy.length === 0;
  if (!everyone) {
    proposals.push({
      action: 'pods_delete',
      target: { kind: 'Pod', namespace: ctx.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
      params: {},
      rationale: healthy.length ? 'Its siblings are healthy, so this pod is stuck on its own; a fresh pod replaces it.' : 'A fresh pod clears a stuck process; the probe decides again from scratch.',
    });
  }
  const kind = probes.some(liveness) ? 'liveness' : 'readiness';
  return finish('ProbeFailure', `Pod ${podRef(pod)} fails its ${kind} probe: ${probes.at(-1)?.message ?? ''}`.trim(), evidence, proposals,
    'Every pod fails the probe, so the cause is shared (a dependency or the probe itself); check what the endpoint reports.');
}
