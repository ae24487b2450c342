import type { Alert } from './alert.js';
import type { Diagnosis } from './diagnosis.js';
import type { KubernetesFacts } from './kubernetes-facts.js';
import { eventLines, finish, labelText } from './runbook/common.js';
import { ruleContext } from './runbook/context.js';
import { containerRule, nodeRule, pendingRule, probeRule, rolloutRule } from './runbook/pod-rules.js';
import { signalRule } from './runbook/signal-rules.js';

export { scaleQuantity } from './runbook/common.js';

/**
 * The built-in runbook analyser: a deterministic diagnosis from the alert and the cluster facts, so Lookout is useful
 * with no LLM at all. Each rule quotes the values it saw as evidence. Order matters: a dead node explains everything on
 * it, a stuck rollout explains its new pods, a pod's own state beats what a metric alert's name suggests.
 */
export function analyse(alert: Alert, facts: KubernetesFacts): Diagnosis {
  const ctx = ruleContext(alert, facts);
  const rules = [nodeRule, rolloutRule, containerRule, pendingRule, probeRule, signalRule];
  for (const rule of rules) {
    const diagnosis = rule(ctx);
    if (diagnosis) return diagnosis;
  }
  const evidence = [...facts.problems.map((p) => `Not checked: ${p}`), ...eventLines(facts)];
  return finish('Unknown', `${alert.name}: ${alert.summary}. The cluster state gathered does not match a known failure pattern.`,
    evidence.length ? evidence : [`Alert labels: ${labelText(alert.labels)}`], [],
    'Investigate manually; no known pattern matched, so no automatic action is proposed.');
}
