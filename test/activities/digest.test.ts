import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDigestActivities } from '../../activities/digest.js';
import { createLogger } from '../../core/logger.js';
import { openDatabase, type Database } from '../../db/index.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-digest-'));
  db = await openDatabase({ url: process.env.TEST_DATABASE_URL, dataDir: dir, log: createLogger('t', 'silent') });
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function insert(row: { id: string; team?: string; channel?: string; status: string; alertTs?: string; resolved?: boolean; createdAt: string }) {
  await db.sql`
    insert into incidents (workflow_id, team_id, alert_name, source, severity, namespace, status, alert, channel, alert_ts,
                           created_at, resolved_at)
    values (${row.id}, ${row.team ?? null}, 'KubePodCrashLooping', 'alertmanager', 'critical', 'shop', ${row.status},
            ${db.sql.json({})}, ${row.channel ?? null}, ${row.alertTs ?? null}, ${row.createdAt}, ${row.resolved ? db.sql`now()` : null})`;
}

test('lists unresolved incidents with a channel, oldest first, with thread links; filters by workspace', async () => {
  const run = `${process.pid}-${Date.now()}`;
  await insert({ id: `d1-${run}`, team: `T-${run}`, channel: 'C1', status: 'awaiting_approval', alertTs: '1795237961.000100', createdAt: '2026-11-20T05:00:00Z' });
  await insert({ id: `d2-${run}`, team: `T-${run}`, channel: 'C2', status: 'investigating', createdAt: '2026-11-19T05:00:00Z' });
  await insert({ id: `d3-${run}`, team: `T-${run}`, channel: 'C1', status: 'resolved', resolved: true, createdAt: '2026-11-18T05:00:00Z' });
  await insert({ id: `d4-${run}`, team: `T-${run}`, channel: 'C1', status: 'failed', createdAt: '2026-11-18T05:00:00Z' });
  await insert({ id: `d5-${run}`, team: `T-${run}`, status: 'investigating', createdAt: '2026-11-18T05:00:00Z' });
  await insert({ id: `d6-${run}`, team: `U-${run}`, channel: 'C9', status: 'remediating', createdAt: '2026-11-18T05:00:00Z' });

  const { listOpenIncidents } = createDigestActivities({ sql: db.sql });
  expect(await listOpenIncidents({ teamId: `T-${run}` })).toEqual([
    {
      workflowId: `d2-${run}`, teamId: `T-${run}`, channel: 'C2', alertName: 'KubePodCrashLooping', severity: 'critical',
      namespace: 'shop', status: 'investigating', createdAt: '2026-11-19T05:00:00.000Z',
    },
    {
      workflowId: `d1-${run}`, teamId: `T-${run}`, channel: 'C1', alertName: 'KubePodCrashLooping', severity: 'critical',
      namespace: 'shop', status: 'awaiting_approval', createdAt: '2026-11-20T05:00:00.000Z',
      link: 'https://slack.com/archives/C1/p1795237961000100',
    },
  ]);
  const all = (await listOpenIncidents({})).map((i) => i.workflowId);
  expect(all).toEqual(expect.arrayContaining([`d1-${run}`, `d2-${run}`, `d6-${run}`]));
  expect(all).not.toContain(`d3-${run}`);
});
