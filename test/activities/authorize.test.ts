import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createAuthorizeActivities, type AuthorizeDeps, type AuthorizeInput, type AuthorizeResult,
} from '../../activities/authorize.js';
import type { Remediation } from '../../core/diagnosis.js';
import { createLogger } from '../../core/logger.js';
import type { StoredPolicy } from '../../core/policy.js';
import { openDatabase, type Database } from '../../db/index.js';
import type { SlackEmulator } from '../../sandbox/slack/emulator.js';
import { startEmulator, webClient } from '../sandbox/slack/support.js';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const env = new MockActivityEnvironment(undefined, { logger: quiet });

let dir: string;
let db: Database;
let emulator: SlackEmulator;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-authorize-'));
  db = await openDatabase({ url: process.env.TEST_DATABASE_URL, dataDir: dir, log: createLogger('t', 'silent') });
  emulator = await startEmulator({ userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: ['U0BOB', 'U0CAROL'] }] });
});
afterAll(async () => {
  await emulator?.stop();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A workspace of its own per test, so tests sharing the database do not see each other's settings. */
async function workspace(settings: { approvers?: string[]; policy?: StoredPolicy | Record<string, unknown> } = {}): Promise<string> {
  const teamId = `T${randomBytes(5).toString('hex').toUpperCase()}`;
  await db.sql`insert into workspace_settings (team_id, approvers, policy)
               values (${teamId}, ${settings.approvers ?? []}, ${db.sql.json((settings.policy ?? {}) as never)})`;
  return teamId;
}

function activities(deps: Partial<AuthorizeDeps> = {}, target = emulator) {
  const client = webClient(target);
  const { authorizeDecision } = createAuthorizeActivities({
    sql: db.sql, approvers: [], approveAnyone: false, slackFor: async () => client, ...deps,
  });
  return (input: AuthorizeInput) => env.run<[AuthorizeInput], AuthorizeResult, typeof authorizeDecision>(authorizeDecision, input);
}

const proposal = (action: Remediation['action'] = 'pods_delete', params: Record<string, unknown> = {}, namespace = 'shop'): Remediation => ({
  id: 'p1', action, params, rationale: 'r', target: { kind: action === 'pods_delete' ? 'Pod' : 'Deployment', namespace, name: 'cart' },
});
const groupLookups = () => emulator.calls.filter((c) => c.method === 'usergroups.users.list').length;

test('an approver from APPROVERS may approve; approvers are listed as mentions', async () => {
  const teamId = await workspace({ approvers: ['S0ONCALL'] });
  const decide = activities({ approvers: ['U0ALICE'] });
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal(), approvedBy: [] })).toEqual({
    allowed: true, needsAnotherApprover: false, approvers: ['<@U0ALICE>', '<!subteam^S0ONCALL>'],
  });
  // Without a team only the environment's approvers count.
  expect(await decide({ userId: 'U0ALICE', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: true, approvers: ['<@U0ALICE>'] });
});

test('a member of an approving user group may approve; members are cached for 60 s per team and group', async () => {
  const teamId = await workspace({ approvers: ['S0ONCALL'] });
  let now = 1_000_000;
  const decide = activities({ now: () => now });
  const before = groupLookups();
  expect(await decide({ teamId, userId: 'U0BOB', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: true });
  expect(groupLookups()).toBe(before + 1);
  expect(emulator.calls.at(-1)).toMatchObject({ method: 'usergroups.users.list', args: { usergroup: 'S0ONCALL' } });

  now += 59_000;
  expect(await decide({ teamId, userId: 'U0CAROL', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: true });
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: false });
  expect(groupLookups()).toBe(before + 1);

  // After the minute the group is read again, and a change of members is seen.
  emulator.setUserGroup({ id: 'S0ONCALL', handle: 'oncall', users: ['U0BOB', 'U0CAROL', 'U0ALICE'] });
  now += 2_000;
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: true });
  expect(groupLookups()).toBe(before + 2);
  emulator.setUserGroup({ id: 'S0ONCALL', handle: 'oncall', users: ['U0BOB', 'U0CAROL'] });
});

test('someone who is not an approver is refused with who can approve', async () => {
  const teamId = await workspace({ approvers: ['S0ONCALL', 'U0ALICE'] });
  const decide = activities({ approvers: ['U0ALICE'] });
  expect(await decide({ teamId, userId: 'U0DAVE', proposal: proposal(), approvedBy: [] })).toEqual({
    allowed: false,
    reason: 'Only approvers can decide on remediations: <@U0ALICE>, <!subteam^S0ONCALL>.',
    approvers: ['<@U0ALICE>', '<!subteam^S0ONCALL>'],
  });
});

test('with no approvers anywhere every decision is refused with how to set them; the sandbox lets anyone approve', async () => {
  const teamId = await workspace();
  const refused = await activities()({ teamId, userId: 'U0ALICE', proposal: proposal(), approvedBy: [] });
  expect(refused).toEqual({
    allowed: false, approvers: [],
    reason: 'No approvers are configured. Set APPROVERS (Slack user or user-group IDs) or add approvers in Lookout\'s settings.',
  });
  const anyone = activities({ approveAnyone: true });
  expect(await anyone({ teamId, userId: 'U0DAVE', proposal: proposal(), approvedBy: [] })).toEqual({
    allowed: true, needsAnotherApprover: false, approvers: [],
  });
});

test('the workspace policy refuses actions and namespaces it does not allow, even in the sandbox', async () => {
  const teamId = await workspace({ approvers: ['U0ALICE'], policy: { allowedActions: ['pods_delete', 'deployments_scale'], namespaces: ['team-*'] } });
  const decide = activities();
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal('pods_delete', {}, 'team-cart'), approvedBy: [] }))
    .toMatchObject({ allowed: true });
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal('deployments_rollout_undo', {}, 'team-cart'), approvedBy: [] })).toEqual({
    allowed: false, approvers: ['<@U0ALICE>'],
    reason: "This workspace's policy does not allow `deployments_rollout_undo` (allowed: `pods_delete`, `deployments_scale`).",
  });
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal('pods_delete', {}, 'shop'), approvedBy: [] })).toEqual({
    allowed: false, approvers: ['<@U0ALICE>'],
    reason: "This workspace's policy does not allow remediations in namespace `shop` (allowed: `team-*`).",
  });
  const sandbox = activities({ approveAnyone: true });
  expect(await sandbox({ teamId, userId: 'U0DAVE', proposal: proposal('pods_delete', {}, 'shop'), approvedBy: [] }))
    .toMatchObject({ allowed: false, reason: expect.stringContaining('namespace `shop`') });
  // Rejecting is never blocked by the policy: it changes nothing.
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal('pods_delete', {}, 'shop'), approvedBy: [], decision: 'reject' }))
    .toMatchObject({ allowed: true, needsAnotherApprover: false });
});

test('the deployment\'s POLICY_* default applies until a workspace saves its own policy', async () => {
  const decide = activities({ approvers: ['U0ALICE'], defaultPolicy: { namespaces: ['staging'] } });
  const plain = await workspace({});
  expect(await decide({ teamId: plain, userId: 'U0ALICE', proposal: proposal('pods_delete', {}, 'shop'), approvedBy: [] }))
    .toMatchObject({ allowed: false, reason: expect.stringContaining('namespace `shop` (allowed: `staging`)') });
  const own = await workspace({ policy: { namespaces: ['shop'] } });
  expect(await decide({ teamId: own, userId: 'U0ALICE', proposal: proposal('pods_delete', {}, 'shop'), approvedBy: [] })).toMatchObject({ allowed: true });
});

test('an invalid stored policy refuses approvals and says what is wrong', async () => {
  const teamId = await workspace({ approvers: ['U0ALICE'], policy: { allowedActions: ['nuke'] } });
  expect(await activities()({ teamId, userId: 'U0ALICE', proposal: proposal(), approvedBy: [] })).toMatchObject({
    allowed: false, reason: expect.stringMatching(/policy is invalid \(allowedActions has unknown actions: "nuke"\)/),
  });
});

test('a destructive remediation takes two different approvers; the same one twice is refused', async () => {
  const teamId = await workspace({ approvers: ['U0ALICE', 'S0ONCALL'] });
  const decide = activities();
  const scaleToZero = proposal('deployments_scale', { replicas: 0 });
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: scaleToZero, approvedBy: [] })).toMatchObject({
    allowed: true, needsAnotherApprover: true,
  });
  const again = await decide({ teamId, userId: 'U0ALICE', proposal: scaleToZero, approvedBy: ['U0ALICE'] });
  expect(again).toMatchObject({ allowed: false });
  expect(again.allowed === false && again.reason).toBe(
    'You already approved `deployments_scale`; a destructive remediation needs a second, different approver: <@U0ALICE>, <!subteam^S0ONCALL>.',
  );
  expect(await decide({ teamId, userId: 'U0BOB', proposal: scaleToZero, approvedBy: ['U0ALICE'] })).toMatchObject({
    allowed: true, needsAnotherApprover: false,
  });
  // Scaling to 2 is not destructive: one approval is enough.
  expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal('deployments_scale', { replicas: 2 }), approvedBy: [] }))
    .toMatchObject({ allowed: true, needsAnotherApprover: false });

  const oneIsEnough = await workspace({ approvers: ['U0ALICE'], policy: { secondApproverForDestructive: false } });
  expect(await decide({ teamId: oneIsEnough, userId: 'U0ALICE', proposal: proposal('deployments_rollout_undo'), approvedBy: [] }))
    .toMatchObject({ allowed: true, needsAnotherApprover: false });
});

test('a user group that cannot be read does not crash: the reason says why, and listed people still approve', async () => {
  const narrow = await startEmulator({
    botScopes: ['chat:write', 'users:read'], userGroups: [{ id: 'S0ONCALL', handle: 'oncall', users: ['U0BOB'] }],
  });
  try {
    const teamId = await workspace({ approvers: ['S0ONCALL', 'U0ALICE'] });
    const decide = activities({}, narrow);
    const refused = await decide({ teamId, userId: 'U0BOB', proposal: proposal(), approvedBy: [] });
    expect(refused).toEqual({
      allowed: false, approvers: ['<!subteam^S0ONCALL>', '<@U0ALICE>'],
      reason: 'Only approvers can decide on remediations: <!subteam^S0ONCALL>, <@U0ALICE>. I could not read the members of '
        + '<!subteam^S0ONCALL> (Lookout lacks the `usergroups:read` scope: reinstall the app with the scopes in slack/manifest.yml).',
    });
    expect(await decide({ teamId, userId: 'U0ALICE', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: true });

    // A failure is not cached: once Slack answers again the group counts.
    const flaky = activities();
    emulator.failNext('usergroups.users.list', { status: 500 });
    expect(await flaky({ teamId, userId: 'U0BOB', proposal: proposal(), approvedBy: [] })).toMatchObject({
      allowed: false, reason: expect.stringContaining('I could not read the members of <!subteam^S0ONCALL> ('),
    });
    expect(await flaky({ teamId, userId: 'U0BOB', proposal: proposal(), approvedBy: [] })).toMatchObject({ allowed: true });

    const unknown = await workspace({ approvers: ['S0GONE'] });
    expect(await flaky({ teamId: unknown, userId: 'U0BOB', proposal: proposal(), approvedBy: [] })).toMatchObject({
      allowed: false, reason: expect.stringContaining('<!subteam^S0GONE> (no_such_subteam)'),
    });
  } finally {
    await narrow.stop();
  }
});

test('a group lookup that hangs is given up after the timeout', async () => {
  const teamId = await workspace({ approvers: ['S0ONCALL'] });
  const hanging = { usergroups: { users: { list: () => new Promise<never>(() => {}) } } };
  const decide = activities({ slackFor: async () => hanging as never, groupLookupTimeoutMs: 50 });
  expect(await decide({ teamId, userId: 'U0BOB', proposal: proposal(), approvedBy: [] })).toMatchObject({
    allowed: false, reason: expect.stringContaining('(no answer within 50 ms)'),
  });
});
