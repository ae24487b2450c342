import type { Remediation } from '../../core/diagnosis.js';
import { defaultPolicy, isDestructive, matchesNamespace, needsTwoApprovers, parsePolicy, policyRefusal } from '../../core/policy.js';

const proposal = (action: Remediation['action'], params: Record<string, unknown> = {}, namespace = 'shop'): Remediation => ({
  id: 'p1', action, params, rationale: 'r', target: { kind: action === 'pods_delete' ? 'Pod' : 'Deployment', namespace, name: 'cart' },
});

test('an empty or absent stored policy is the default: everything allowed, second approver for destructive', () => {
  expect(parsePolicy({})).toEqual({ ok: true, policy: defaultPolicy });
  expect(parsePolicy(null)).toEqual({ ok: true, policy: defaultPolicy });
  expect(defaultPolicy).toEqual({ namespaces: [], secondApproverForDestructive: true });
  expect(parsePolicy({ allowedActions: ['pods_delete'], namespaces: ['team-*', 'shop'], secondApproverForDestructive: false })).toEqual({
    ok: true, policy: { allowedActions: ['pods_delete'], namespaces: ['team-*', 'shop'], secondApproverForDestructive: false },
  });
});

test.each([
  [[], /must be an object/],
  ['x', /must be an object/],
  [{ allowedActions: 'pods_delete' }, /allowedActions must be a list/],
  [{ allowedActions: ['pods_delete', 'nuke'] }, /unknown actions: "nuke"/],
  [{ namespaces: 'shop' }, /namespaces must be a list/],
  [{ namespaces: ['Shop', 3] }, /invalid entries: "Shop", 3/],
  [{ secondApproverForDestructive: 'yes' }, /true or false/],
  [{ approvers: ['U1'] }, /unknown field "approvers"/],
])('the stored policy %j is refused: %s', (stored, problem) => {
  const parsed = parsePolicy(stored);
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.problems.join('; ')).toMatch(problem);
});

test.each([
  ['team-a', 'team-*', true],
  ['team-', 'team-*', true],
  ['teams', 'team-*', false],
  ['x-team-a', 'team-*', false],
  ['shop', 'shop', true],
  ['shop2', 'shop', false],
  ['prod-eu', '*-eu', true],
  ['db1', 'db?', true],
  ['db12', 'db?', false],
  ['anything', '*', true],
])('namespace %s against %s: %s', (namespace, pattern, expected) => {
  expect(matchesNamespace(namespace, pattern)).toBe(expected);
});

test('destructive: scale to zero, rollout undo, deleting several pods; not the rest', () => {
  expect(isDestructive(proposal('deployments_scale', { replicas: 0 }))).toBe(true);
  expect(isDestructive(proposal('deployments_scale', { replicas: 3 }))).toBe(false);
  expect(isDestructive(proposal('deployments_rollout_undo'))).toBe(true);
  expect(isDestructive(proposal('pods_delete'))).toBe(false);
  expect(isDestructive(proposal('pods_delete', { pods: ['a'] }))).toBe(false);
  expect(isDestructive(proposal('pods_delete', { pods: ['a', 'b'] }))).toBe(true);
  for (const action of ['deployments_rollout_restart', 'resources_patch', 'argocd_sync_application', 'none'] as const) {
    expect(isDestructive(proposal(action))).toBe(false);
  }
  expect(needsTwoApprovers(defaultPolicy, proposal('deployments_rollout_undo'))).toBe(true);
  expect(needsTwoApprovers({ ...defaultPolicy, secondApproverForDestructive: false }, proposal('deployments_rollout_undo'))).toBe(false);
  expect(needsTwoApprovers(defaultPolicy, proposal('pods_delete'))).toBe(false);
});

test('policyRefusal names the rule: the action, or the namespace and the allowed globs', () => {
  expect(policyRefusal(defaultPolicy, proposal('deployments_rollout_undo'))).toBeUndefined();
  const policy = { ...defaultPolicy, allowedActions: ['pods_delete' as const], namespaces: ['team-*'] };
  expect(policyRefusal(policy, proposal('deployments_scale', { replicas: 2 }, 'team-a')))
    .toBe("This workspace's policy does not allow `deployments_scale` (allowed: `pods_delete`).");
  expect(policyRefusal(policy, proposal('pods_delete', {}, 'shop')))
    .toBe("This workspace's policy does not allow remediations in namespace `shop` (allowed: `team-*`).");
  expect(policyRefusal(policy, proposal('pods_delete', {}, 'team-a'))).toBeUndefined();
  expect(policyRefusal({ ...defaultPolicy, allowedActions: [] }, proposal('pods_delete'))).toMatch(/\(allowed: none\)/);
  const unnamespaced: Remediation = { ...proposal('argocd_sync_application'), target: { kind: 'Application', name: 'shop' } };
  expect(policyRefusal({ ...defaultPolicy, namespaces: ['shop'] }, unnamespaced)).toMatch(/a target without a namespace/);
});
