/** What the analyser (or the LLM) concludes about an alert: CONTRACT section 5's `diagnose` output. */
export const categories = [
  'CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'CreateContainerConfigError', 'Unschedulable', 'ProbeFailure',
  'HighCPU', 'HighMemory', 'HighErrorRate', 'HighLatency', 'NodeNotReady', 'PVCPending', 'DeploymentRolloutStuck',
  'Unknown',
] as const;
export type Category = (typeof categories)[number];

export const remediationActions = [
  'pods_delete', 'resources_patch', 'deployments_scale', 'deployments_rollout_restart', 'deployments_rollout_undo',
  'argocd_sync_application', 'argocd_run_resource_action', 'none',
] as const;
export type RemediationAction = (typeof remediationActions)[number];

export interface RemediationTarget {
  kind: 'Pod' | 'Deployment' | 'Application' | 'None';
  namespace?: string;
  name?: string;
  /** The object's UID when it was diagnosed; remediation refuses to act on a different object of the same name. */
  uid?: string;
}

export interface Remediation {
  /** Stable within one incident: 'p1', 'p2', ... in proposal order. */
  id: string;
  action: RemediationAction;
  target: RemediationTarget;
  params: Record<string, unknown>;
  /** One sentence a person can weigh before approving. */
  rationale: string;
}

/** Who reached the diagnosis, and what the LLM cost when it took part (recorded per incident). */
export type DiagnosisEngine =
  | { kind: 'runbook'; note?: string }
  | {
    kind: 'llm';
    model: string;
    turns: number;
    toolCalls: number;
    inputTokens: number;
    outputTokens: number;
    /** Set when the agent stopped early (a budget reached) but its findings were still used. */
    note?: string;
  };

export interface Diagnosis {
  category: Category;
  summary: string;
  evidence: string[];
  remediations: Remediation[];
  /** The root cause in a sentence or two (the LLM's conclusion; absent when the analyser alone decided). */
  rootCause?: string;
  /** Absent in diagnoses made before the LLM agent existed: those were the runbook analyser's. */
  engine?: DiagnosisEngine;
}
