import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStoreActivities } from '../../activities/store.js';
import { createLogger } from '../../core/logger.js';
import { openDatabase, type Database } from '../../db/index.js';
import { describeAuditEvent, recentAudit } from '../../server/audit.js';
import { runCommand, type CommandContext, type CommandDeps } from '../../server/listeners/commands.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-audit-'));
  db = await openDatabase({ url: process.env.TEST_DATABASE_URL, dataDir: dir, log: createLogger('t', 'silent') });
});
afterAll(async () => {
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const newTeam = () => `T${randomBytes(5).toString('hex').toUpperCase()}`;

/** Seven events a second apart, oldest first, the last one written before events carried an action. */
async function seed(teamId: string): Promise<void> {
  const { recordAudit } = createStoreActivities({ sql: db.sql, approvers: [], approveAnyone: false });
  for (let i = 1; i <= 6; i++) {
    await recordAudit({
      workflowId: `wf-${i}`, teamId, type: 'decision.approve', actor: 'U0ALICE', action: 'approved `pods_delete`',
      target: `shop/cart-${i}`, outcome: i % 2 ? 'allowed' : 'refused', detail: { i },
    });
  }
  await recordAudit({ workflowId: 'wf-7', teamId, type: 'decision.reject', actor: 'U0BOB', detail: { action: 'deployments_scale' } });
  await db.sql`update audit_events set created_at = timestamptz '2024-05-01 14:00:00+00' + (detail->>'i')::int * interval '1 second'
               where team_id = ${teamId} and detail ? 'i'`;
  await db.sql`update audit_events set created_at = timestamptz '2024-05-01 14:02:00+00' where team_id = ${teamId} and type = 'decision.reject'`;
  await recordAudit({ workflowId: 'wf-other', teamId: newTeam(), type: 'decision.approve', actor: 'U0EVE', action: 'approved' });
}

test('recordAudit writes action, target and outcome; recentAudit reads the workspace newest first', async () => {
  const teamId = newTeam();
  await seed(teamId);
  const events = await recentAudit(db.sql, { teamId, limit: 3 });
  expect(events.map((e) => e.workflowId)).toEqual(['wf-7', 'wf-6', 'wf-5']);
  expect(events[1]).toEqual({
    createdAt: new Date('2024-05-01T14:00:06Z'), workflowId: 'wf-6', type: 'decision.approve', actor: 'U0ALICE',
    action: 'approved `pods_delete`', target: 'shop/cart-6', outcome: 'refused', detail: { i: 6 },
  });
  expect((await recentAudit(db.sql, { teamId })).length).toBe(5);
  expect(events.map(describeAuditEvent)).toEqual([
    '2024-05-01 14:02 UTC · <@U0BOB> · rejected `deployments_scale`',
    '2024-05-01 14:00 UTC · <@U0ALICE> · approved `pods_delete` · shop/cart-6 → refused',
    '2024-05-01 14:00 UTC · <@U0ALICE> · approved `pods_delete` · shop/cart-5 → allowed',
  ]);
});

test('describeAuditEvent puts older events into words', () => {
  const base = { createdAt: new Date('2024-05-01T09:30:00Z'), workflowId: 'wf', actor: null, action: null, target: null, outcome: null, detail: {} };
  expect(describeAuditEvent({ ...base, type: 'status.awaiting_approval' })).toBe('2024-05-01 09:30 UTC · Lookout · incident awaiting approval');
  expect(describeAuditEvent({ ...base, type: 'decision.refused', actor: 'U1', detail: {} })).toBe('2024-05-01 09:30 UTC · <@U1> · was refused on');
  expect(describeAuditEvent({ ...base, type: 'remediation.applied', outcome: 'applied' })).toBe('2024-05-01 09:30 UTC · Lookout · remediation applied → applied');
});

describe('/lookout status', () => {
  const ctx = { teamId: '', channel: 'C0ALERTS', userId: 'U0ALICE', requestId: 'r1', client: {} } as CommandContext;
  const config = { temporal: { uiUrl: 'http://temporal.test', namespace: 'default' } };
  const deps = (open: unknown[], withAudit = true) => ({
    config,
    store: {
      openIncidents: async () => open,
      ...(withAudit ? { recentAudit: (teamId: string, limit: number) => recentAudit(db.sql, { teamId, limit }) } : {}),
    },
  }) as unknown as CommandDeps;
  const incident = {
    workflow_id: 'wf-1', alert_name: 'KubePodCrashLooping', severity: 'critical', status: 'awaiting_approval', namespace: 'shop',
    report_ts: null, alert_ts: null, created_at: new Date('2024-05-01T13:55:00Z'),
  };

  test('shows the open incidents, then the workspace\'s last five audit events', async () => {
    const teamId = newTeam();
    await seed(teamId);
    const text = await runCommand({ kind: 'status' }, { ...ctx, teamId }, deps([incident]));
    expect(text.split('\n')).toEqual([
      '*1 open incident in this channel*',
      '• *KubePodCrashLooping* (critical, shop): awaiting approval, since 2024-05-01 13:55 UTC · <http://temporal.test/namespaces/default/workflows/wf-1|audit trail>',
      '*Recent activity in this workspace*',
      '• 2024-05-01 14:02 UTC · <@U0BOB> · rejected `deployments_scale`',
      '• 2024-05-01 14:00 UTC · <@U0ALICE> · approved `pods_delete` · shop/cart-6 → refused',
      '• 2024-05-01 14:00 UTC · <@U0ALICE> · approved `pods_delete` · shop/cart-5 → allowed',
      '• 2024-05-01 14:00 UTC · <@U0ALICE> · approved `pods_delete` · shop/cart-4 → refused',
      '• 2024-05-01 14:00 UTC · <@U0ALICE> · approved `pods_delete` · shop/cart-3 → allowed',
    ]);
  });

  test('with nothing open it still shows recent activity; with no audit read or no events, only the incidents', async () => {
    const teamId = newTeam();
    await seed(teamId);
    const text = await runCommand({ kind: 'status' }, { ...ctx, teamId }, deps([]));
    expect(text).toMatch(/^No open incidents in this channel\.\n\*Recent activity in this workspace\*\n• 2024-05-01 14:02 UTC/);
    expect(await runCommand({ kind: 'status' }, { ...ctx, teamId: newTeam() }, deps([]))).toBe('No open incidents in this channel.');
    expect(await runCommand({ kind: 'status' }, { ...ctx, teamId }, deps([], false))).toBe('No open incidents in this channel.');
  });
});
