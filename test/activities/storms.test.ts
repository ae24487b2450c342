import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createStormActivities } from '../../activities/storms.js';
import { createLogger } from '../../core/logger.js';
import { migrate, openDatabase } from '../../db/index.js';
import { crashLoopAlert } from '../fixtures/alerts.js';
import { createScratchDatabase, realPostgresUnavailable } from '../db/helpers.js';

interface Backend { sql: postgres.Sql; close(): Promise<void> }

const realUnavailable = await realPostgresUnavailable();
if (realUnavailable) console.warn(`Storm tests run on embedded PGlite only: ${realUnavailable}`);

const backends: [string, () => Promise<Backend>][] = [
  ['embedded PGlite', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-storms-'));
    const db = await openDatabase({ dataDir: dir, log: createLogger('t', 'silent') });
    return { sql: db.sql, async close() { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }],
  ...(realUnavailable ? [] : [['real PostgreSQL', async () => {
    // Real connections in parallel: the concurrency test means something only with a pool of them.
    const database = await createScratchDatabase();
    const sql = postgres(database.url, { max: 20, onnotice: () => {} });
    await migrate(sql);
    return { sql, async close() { await sql.end(); await database.drop(); } };
  }] as [string, () => Promise<Backend>]]),
];

let keys = 0;
const newKey = () => `C1|KubePodCrashLooping|shop-${process.pid}-${++keys}`;
const alertFor = (pod: string, namespace = 'shop', name = 'KubePodCrashLooping') =>
  crashLoopAlert({ name, target: { namespace, pod } });
const WINDOW = 10 * 60_000;

describe.each(backends)('storm activities on %s', (_name, open) => {
  let backend: Backend;
  let storms: ReturnType<typeof createStormActivities>;
  beforeAll(async () => {
    backend = await open();
    storms = createStormActivities({ sql: backend.sql });
  }, 120_000);
  afterAll(async () => { await backend?.close(); });

  const join = (key: string, workflowId: string, alert = alertFor(`pod-${workflowId}`), windowMs = WINDOW) =>
    storms.joinStorm({ key, workflowId, channel: 'C1', alert, windowMs });

  test('the first alert of a key leads; later ones are members told who leads and how many there are', async () => {
    const key = newKey();
    expect(await join(key, 'wf-a')).toEqual({ role: 'leader' });
    expect(await join(key, 'wf-b')).toEqual({ role: 'member', leaderWorkflowId: 'wf-a', members: 2 });
    expect(await join(key, 'wf-c')).toEqual({ role: 'member', leaderWorkflowId: 'wf-a', members: 3 });
    // Another key, even one differing only by channel in its text, is another storm.
    expect(await join(`${key}-other`, 'wf-d')).toEqual({ role: 'leader' });
  });

  test('50 alerts of one key at once: exactly one leader, 49 members, each recorded once', async () => {
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => join(key, `wf-${n}`)));
    const leaders = results.filter((r) => r.role === 'leader');
    const members = results.filter((r) => r.role === 'member');
    expect(leaders).toHaveLength(1);
    expect(members).toHaveLength(49);
    const leaderId = `wf-${results.findIndex((r) => r.role === 'leader')}`;
    expect(new Set(members.map((m) => m.leaderWorkflowId))).toEqual(new Set([leaderId]));
    // Each member saw a distinct running count: 2..50.
    expect(members.map((m) => m.members).sort((a, b) => a - b)).toEqual(Array.from({ length: 49 }, (_, n) => n + 2));
    const [storm] = await backend.sql`select members, closed_at from storms where key = ${key}`;
    expect(storm).toEqual({ members: 50, closed_at: null });
    const [{ count }] = await backend.sql`select count(*)::int as count from storm_members where storm_key = ${key}`;
    expect(count).toBe(50);
    const [{ recorded }] = await backend.sql`select count(distinct workflow_id)::int as recorded from storm_members where storm_key = ${key}`;
    expect(recorded).toBe(50);
  });

  test('a retried join (same workflow ID) answers as before and counts nothing twice, even when run concurrently', async () => {
    const key = newKey();
    expect(await join(key, 'wf-lead')).toEqual({ role: 'leader' });
    expect(await join(key, 'wf-lead')).toEqual({ role: 'leader' });
    const twice = await Promise.all([join(key, 'wf-m'), join(key, 'wf-m'), join(key, 'wf-m')]);
    for (const r of twice) expect(r).toEqual({ role: 'member', leaderWorkflowId: 'wf-lead', members: 2 });
    const [storm] = await backend.sql`select members from storms where key = ${key}`;
    expect(storm.members).toBe(2);
    const [{ recorded }] = await backend.sql`select count(*)::int as recorded from storm_members where storm_key = ${key}`;
    expect(recorded).toBe(2);
  });

  test('a storm quiet for longer than the window closes; the next alert leads a new one', async () => {
    const key = newKey();
    expect(await join(key, 'wf-1')).toEqual({ role: 'leader' });
    expect(await join(key, 'wf-2')).toMatchObject({ role: 'member', members: 2 });
    // Age the storm's last join past the window instead of sleeping.
    await backend.sql`update storms set last_joined_at = now() - interval '11 minutes' where key = ${key}`;
    expect(await join(key, 'wf-3')).toEqual({ role: 'leader' });
    expect(await join(key, 'wf-4')).toEqual({ role: 'member', leaderWorkflowId: 'wf-3', members: 2 });
    const rows = await backend.sql`select leader_workflow_id, members, closed_at is not null as closed from storms
                                   where key = ${key} order by id`;
    expect(rows).toEqual([
      { leader_workflow_id: 'wf-1', members: 2, closed: true },
      { leader_workflow_id: 'wf-3', members: 2, closed: false },
    ]);
    // A retry of an alert from the closed storm still gets its old answer rather than joining the new one.
    expect(await join(key, 'wf-2')).toEqual({ role: 'member', leaderWorkflowId: 'wf-1', members: 2 });
  });

  test('each join extends the window: a steady trickle stays one storm', async () => {
    const key = newKey();
    await join(key, 'wf-1', undefined, 400);
    for (let n = 2; n <= 4; n++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await join(key, `wf-${n}`, undefined, 400)).toMatchObject({ role: 'member', leaderWorkflowId: 'wf-1', members: n });
    }
  });

  test('closeStorm ends it early; only its leader can', async () => {
    const key = newKey();
    await join(key, 'wf-1');
    await storms.closeStorm({ key, leaderWorkflowId: 'wf-other' });
    expect(await join(key, 'wf-2')).toMatchObject({ role: 'member', leaderWorkflowId: 'wf-1' });
    await storms.closeStorm({ key, leaderWorkflowId: 'wf-1' });
    expect(await join(key, 'wf-3')).toEqual({ role: 'leader' });
  });

  test('a window that is not positive is a permanent error', async () => {
    await expect(join(newKey(), 'wf-1', undefined, 0)).rejects.toMatchObject({ nonRetryable: true });
  });
});
