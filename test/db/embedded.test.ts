import { execFile, spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkDatabase, migrate, openDatabase, startEmbeddedPostgres, type Database } from '../../db/index.js';
import { LOCK_FILE_NAME } from '../../db/embedded.js';
import { migrations } from '../../migrations/index.js';
import { EXPECTED_COLUMNS, actualColumns, expectInitialSchema, tempDir } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let appDir: string;
let dataDir: string;
let removeDir: () => Promise<void>;
let db: Database;

beforeAll(async () => {
  ({ dir: appDir, remove: removeDir } = await tempDir());
  dataDir = path.join(appDir, 'pglite');
  db = await openDatabase({ dataDir: appDir });
});
afterAll(async () => {
  await db?.close();
  await removeDir?.();
});

test('an empty directory gets PGlite files in pglite/ and the whole schema', async () => {
  expect(db.embedded).toBe(true);
  expect(await readdir(appDir)).toEqual(['pglite']);
  expect(db.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  expect(await readdir(dataDir)).toEqual(expect.arrayContaining(['PG_VERSION', 'base', LOCK_FILE_NAME]));
  expect(await readFile(path.join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe(`${process.pid}\n`);
  expect(await db.sql`select name from schema_migrations order by name`).toEqual(migrations.map((m) => ({ name: m.name })));
  await expectInitialSchema(db.sql);
  expect(await migrate(db.sql)).toEqual([]);
});

test('a second open of the same directory in this process is refused', async () => {
  const message = `embedded PostgreSQL in ${dataDir} is in use by process ${process.pid}; stop it or set DATABASE_URL`;
  await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(message);
  await expect(openDatabase({ dataDir: appDir })).rejects.toThrow(message);
  await checkDatabase(db.sql);
});

test('another process opening the same directory fails with the message and exit code 1', async () => {
  const script = `
    const { openDatabase } = await import(${JSON.stringify(path.join(repoRoot, 'db/index.ts'))});
    try { await openDatabase({ dataDir: process.argv[1] }); } catch (e) { console.error(e.message); process.exit(1); }
    console.log('opened');`;
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, appDir], {
    cwd: repoRoot,
  });
  await expect(run).rejects.toMatchObject({
    code: 1,
    stdout: '',
    stderr: expect.stringContaining(
      `embedded PostgreSQL in ${dataDir} is in use by process ${process.pid}; stop it or set DATABASE_URL`,
    ),
  });
});

test('the single-connection pool serialises 50 parallel inserts and transactions correctly', async () => {
  const { sql } = db;
  expect(sql.options.max).toBe(1);
  const inserts = Array.from({ length: 50 }, (_, i) =>
    sql<{ id: string }[]>`insert into audit_events (workflow_id, type, detail)
                          values ('wf-parallel', 'note', ${sql.json({ i })}) returning id`,
  );
  const committed = sql.begin(async (tx) => {
    await tx`insert into audit_events (workflow_id, type) values ('wf-tx', 'a')`;
    await tx`insert into audit_events (workflow_id, type) values ('wf-tx', 'b')`;
    return (await tx`select count(*)::int as n from audit_events where workflow_id = 'wf-tx'`)[0].n;
  });
  const failed = sql.begin(async (tx) => {
    await tx`insert into audit_events (workflow_id, type) values ('wf-rolled-back', 'a')`;
    await tx`insert into audit_events (workflow_id, type, idempotency_key) values ('wf-rolled-back', 'b', 'same')`;
    await tx`insert into audit_events (workflow_id, type, idempotency_key) values ('wf-rolled-back', 'c', 'same')`;
  });
  const [ids, seenInside, failure, ready] = await Promise.allSettled([
    Promise.all(inserts),
    committed,
    failed,
    checkDatabase(sql),
  ]);

  expect(ids.status).toBe('fulfilled');
  expect(new Set((ids as PromiseFulfilledResult<{ id: string }[][]>).value.map(([row]) => row.id)).size).toBe(50);
  expect(seenInside).toEqual({ status: 'fulfilled', value: 2 });
  expect(failure).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
  expect(ready.status).toBe('fulfilled');
  const counts = await sql<{ workflow_id: string; n: number }[]>`
    select workflow_id, count(*)::int as n from audit_events
    where workflow_id like 'wf-%' group by workflow_id order by workflow_id`;
  expect(counts).toEqual([
    { workflow_id: 'wf-parallel', n: 50 },
    { workflow_id: 'wf-tx', n: 2 },
  ]);
  const details = await sql`
    select (detail->>'i')::int as i from audit_events where workflow_id = 'wf-parallel' order by 1`;
  expect(details.map((row) => row.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
});

test('checkDatabase times out while the only connection is busy', async () => {
  const held = await db.sql.reserve();
  try {
    const started = Date.now();
    await expect(checkDatabase(db.sql, { timeoutMs: 300 })).rejects.toThrow('PostgreSQL did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  } finally {
    held.release();
  }
  await checkDatabase(db.sql);
});

test('data survives stop and start; a dead process\'s stale lock is taken over; checks fail after close', async () => {
  await db.sql`
    insert into incidents (workflow_id, team_id, alert_name, source, severity, status, alert, approved_by)
    values ('wf-durable', 'T1', 'KubePodCrashLooping', 'alertmanager', 'critical', 'awaiting_approval',
            ${db.sql.json({ labels: { namespace: 'shop' } })}, ${['U1', 'U2']})`;
  const { sql } = db;
  await db.close();
  await db.close();
  await expect(checkDatabase(sql)).rejects.toThrow();
  expect(await readdir(dataDir)).not.toContain(LOCK_FILE_NAME);

  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => dead.once('exit', resolve));
  await writeFile(path.join(dataDir, LOCK_FILE_NAME), `${dead.pid}\n`);

  db = await openDatabase({ dataDir: appDir });
  expect(await readFile(path.join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe(`${process.pid}\n`);
  expect(await db.sql`select status, alert, approved_by from incidents where workflow_id = 'wf-durable'`).toEqual([
    { status: 'awaiting_approval', alert: { labels: { namespace: 'shop' } }, approved_by: ['U1', 'U2'] },
  ]);
  expect((await db.sql`select count(*)::int as n from audit_events`)[0].n).toBe(52);
  expect(await actualColumns(db.sql)).toEqual(EXPECTED_COLUMNS);
  expect(await migrate(db.sql)).toEqual([]);
});
