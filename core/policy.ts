import { remediationActions, type Remediation, type RemediationAction } from './diagnosis.js';

/** A workspace's remediation policy as stored in `workspace_settings.policy` (every field optional). */
export interface StoredPolicy {
  /** Actions that may be approved at all; absent means every action. */
  allowedActions?: RemediationAction[];
  /** Namespaces remediations may touch: exact names or globs like "team-*"; empty or absent means all. */
  namespaces?: string[];
  /** Whether a destructive remediation needs a second, different approver (default true). */
  secondApproverForDestructive?: boolean;
}

/** A stored policy with its defaults filled in. */
export interface Policy {
  /** Undefined means every action is allowed. */
  allowedActions?: RemediationAction[];
  /** Empty means every namespace. */
  namespaces: string[];
  secondApproverForDestructive: boolean;
}

export const defaultPolicy: Policy = { namespaces: [], secondApproverForDestructive: true };

export type PolicyParse = { ok: true; policy: Policy } | { ok: false; problems: string[] };

const NAMESPACE_GLOB = /^[a-z0-9*?]([-a-z0-9*?]{0,61}[a-z0-9*?])?$/;

/** Checks a stored policy (jsonb, edited by people) and fills in defaults; problems name the field and what is wrong. */
export function parsePolicy(stored: unknown): PolicyParse {
  if (stored === null || stored === undefined) return { ok: true, policy: { ...defaultPolicy } };
  if (typeof stored !== 'object' || Array.isArray(stored)) return { ok: false, problems: ['the policy must be an object'] };
  const { allowedActions, namespaces, secondApproverForDestructive, ...rest } = stored as Record<string, unknown>;
  const problems = Object.keys(rest).map((key) => `unknown field "${key}"`);
  const policy: Policy = { ...defaultPolicy };

  if (allowedActions !== undefined) {
    if (!Array.isArray(allowedActions)) problems.push('allowedActions must be a list of actions');
    else {
      const unknown = allowedActions.filter((a) => !(remediationActions as readonly unknown[]).includes(a));
      if (unknown.length) problems.push(`allowedActions has unknown actions: ${unknown.map((a) => JSON.stringify(a)).join(', ')}`);
      policy.allowedActions = allowedActions as RemediationAction[];
    }
  }
  if (namespaces !== undefined) {
    if (!Array.isArray(namespaces)) problems.push('namespaces must be a list of names or globs');
    else {
      const bad = namespaces.filter((n) => typeof n !== 'string' || !NAMESPACE_GLOB.test(n));
      if (bad.length) problems.push(`namespaces has invalid entries: ${bad.map((n) => JSON.stringify(n)).join(', ')}`);
      policy.namespaces = namespaces as string[];
    }
  }
  if (secondApproverForDestructive !== undefined) {
    if (typeof secondApproverForDestructive !== 'boolean') problems.push('secondApproverForDestructive must be true or false');
    else policy.secondApproverForDestructive = secondApproverForDestructive;
  }
  return problems.length ? { ok: false, problems } : { ok: true, policy };
}

/** `*` matches any run of characters, `?` exactly one; everything else literally. */
export function matchesNamespace(namespace: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(namespace);
}

/** Pods a pods_delete proposal names: `params.pods` when it lists several, else its target. */
function podCount(proposal: Remediation): number {
  const pods = proposal.params.pods;
  return Array.isArray(pods) ? pods.length : 1;
}

/** Whether a remediation takes capacity away or reverts a release: scale to zero, rollout undo, deleting several pods. */
export function isDestructive(proposal: Remediation): boolean {
  switch (proposal.action) {
    case 'deployments_scale':
      return Number(proposal.params.replicas) === 0;
    case 'deployments_rollout_undo':
      return true;
    case 'pods_delete':
      return podCount(proposal) > 1;
    default:
      return false;
  }
}

/** Why the policy forbids this proposal outright, or undefined when it may be approved. */
export function policyRefusal(policy: Policy, proposal: Remediation): string | undefined {
  if (policy.allowedActions && !policy.allowedActions.includes(proposal.action)) {
    const allowed = policy.allowedActions.length ? policy.allowedActions.map((a) => `\`${a}\``).join(', ') : 'none';
    return `This workspace's policy does not allow \`${proposal.action}\` (allowed: ${allowed}).`;
  }
  if (policy.namespaces.length) {
    const namespace = proposal.target.namespace;
    if (!namespace || !policy.namespaces.some((p) => matchesNamespace(namespace, p))) {
      const where = namespace ? `namespace \`${namespace}\`` : 'a target without a namespace';
      return `This workspace's policy does not allow remediations in ${where} (allowed: ${policy.namespaces.map((n) => `\`${n}\``).join(', ')}).`;
    }
  }
  return undefined;
}

/** Whether approving this proposal takes two different approvers under this policy. */
export function needsTwoApprovers(policy: Policy, proposal: Remediation): boolean {
  return policy.secondApproverForDestructive && isDestructive(proposal);
}
