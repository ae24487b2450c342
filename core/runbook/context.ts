/** What every rule needs: the alert, the facts, and the pod and Deployment they are about. */
import type { Alert } from '../alert.js';
import { owningDeployment, type KubernetesFacts, type NodeLike, type PodLike } from '../kubernetes-facts.js';

export interface RuleContext {
  alert: Alert;
  facts: KubernetesFacts;
  pod?: PodLike;
  namespace?: string;
  deployment?: string;
}

export function ruleContext(alert: Alert, facts: KubernetesFacts): RuleContext {
  const pod = facts.pod;
  return {
    alert,
    facts,
    pod,
    namespace: pod?.metadata?.namespace ?? alert.target.namespace ?? facts.deployment?.metadata?.namespace,
    deployment: (pod && owningDeployment(pod)) ?? alert.target.deployment ?? facts.deployment?.metadata?.name,
  };
}

/** The Deployment's pods, the diagnosed one included. */
export function podsOf(ctx: RuleContext): PodLike[] {
  const pods = [...(ctx.facts.pods ?? [])];
  if (ctx.pod && !pods.some((p) => p.metadata?.name === ctx.pod?.metadata?.name)) pods.push(ctx.pod);
  return pods;
}

export function isReady(pod: PodLike): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True';
  const cs = pod.status?.containerStatuses ?? [];
  return cs.length > 0 && cs.every((c) => c.ready);
}

export function nodeReady(node: NodeLike): { ready: boolean; text: string } {
  const c = node.status?.conditions?.find((x) => x.type === 'Ready');
  const text = c ? `Ready=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` : 'no Ready condition';
  return { ready: !c || c.status === 'True', text };
}

/** The PromQL behind the alert: an annotation if the rule carries one, else the `g0.expr` of its generator URL. */
export function alertExpr(alert: Alert): string {
  const fromAnnotation = alert.annotations.query ?? alert.annotations.expr ?? alert.annotations.promql;
  if (fromAnnotation) return fromAnnotation;
  try {
    return alert.generatorURL ? new URL(alert.generatorURL).searchParams.get('g0.expr') ?? '' : '';
  } catch {
    return '';
  }
}
