/** What the analyser (or the LLM) concludes about an alert: CONTRACT section 5's `diagnose` output. */
export const categories = [
  'CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'CreateContainerConfigError', 'Unschedulable', 'ProbeFailure',
  'HighCPU', 'HighMemory', 'HighErrorRate', 'HighLatency', 'NodeNotReady', 'PVCPending', 'DeploymentRolloutStuck',
  'Unknown',
] as const;
export type Category = (typeof categories)[number];

export const remediationActions = [
  'pods_delete', 'resources_patch', 'deployments_scale', 'deployments_rollout_restart', 'deployments_rollout_undo',
  'argocd_sync_application', 'none',
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

export interface Diagnosis {
  category: Category;
  summary: string;
  evidence: string[];
  remediations: Remediation[];
}
