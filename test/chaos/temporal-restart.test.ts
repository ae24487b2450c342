/**
 * Chaos: the Temporal dev server (a dedicated one, history in its SQLite file) is SIGKILLed while incidents wait for
 * approval and one is remediating, then started again on the same file and port. The server reconnects on its own, the
 * worker is started again if it exited (the log says which), and every incident completes with one real mutation each.
 * Never touches the suite's shared dev server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../scripts/lib/ports.js';
import { startTemporalDevServer, type DevServer } from '../../scripts/lib/temporal-dev-server.js';
import { createScratchDatabase, realPostgresUnavailable } from '../db/helpers.js';
import { crashloopAlertIn, realMutations, reportOf, startChaosStack, type ChaosStack } from '../support/chaos-stack.js';
import { eventually, findButton } from '../support/stack.js';

const DOWN_MS = Number(process.env.CHAOS_TEMPORAL_DOWN_MS ?? 5_000);
const pgMissing = await realPostgresUnavailable();
if (pgMissing) console.warn(`Temporal restart chaos test skipped: ${pgMissing}`);

let dir: string | undefined;
let dev: DevServer | undefined;
let db: { url: string; drop(): Promise<void> } | undefined;
let stack: ChaosStack | undefined;
let connection: Connection | undefined;
afterAll(async () => {
  await stack?.close();
  await connection?.close();
  await dev?.stop();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

(pgMissing ? test.skip : test)(`the Temporal dev server killed for ${DOWN_MS / 1000} s and restarted on its DB file: incidents resume and complete`, async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-temporal-chaos-'));
  const binary = process.env.TEMPORAL_BINARY ?? execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8' }).trim();
  const devOptions = { binary, port: await freePort(), ui: false, dbFile: path.join(dir, 'temporal.db') };
  dev = await startDev(devOptions, { newPort: true });
  db = await createScratchDatabase();
  const namespaces = ['shop-1', 'shop-2', 'shop-3'];
  const s = (stack = await startChaosStack({ databaseUrl: db.url, temporalAddress: dev.address, namespaces }));
  const worker = await s.startWorker();

  const startsAt = new Date(Date.now() - 60_000);
  const workflowIds = await Promise.all(namespaces.map(async (ns) => {
    const res = await s.post('/alerts/alertmanager', crashloopAlertIn(ns, startsAt));
    expect(res.status).toBe(202);
    return (await res.json()).results[0].workflowId as string;
  }));
  const reports = await Promise.all(workflowIds.map((id) => s.slack.waitFor(() => reportOf(s.slack, id), 60_000)));
  const approve = (i: number) => s.slack.clickButton({ channel: 'C0ALERTS', ts: reports[i].ts, actionId: findButton(reports[i], 'approve')!, userId: 'U0ALICE' });

  // One incident is approved (remediating / verifying) when Temporal dies; the other two wait for approval.
  expect((await approve(0)).status).toBe(200);
  const gone = new Promise<void>((resolve) => dev!.process.once('exit', () => resolve()));
  dev.process.kill('SIGKILL');
  await gone;
  await new Promise((r) => setTimeout(r, DOWN_MS));
  expect((await fetch(`${s.server.url}/readyz`)).status).toBe(503);
  dev = await startDev(devOptions);

  // The server's client reconnects: readiness comes back and the next approvals are signalled through it.
  await eventually(async () => ((await fetch(`${s.server.url}/readyz`)).status === 200 ? true : undefined), 30_000);
  expect((await approve(1)).status).toBe(200);
  expect((await approve(2)).status).toBe(200);
  const workerSurvived = worker.exitCode === null && worker.signalCode === null;
  if (!workerSurvived) await s.startWorker();
  console.log(`temporal restart: the worker ${workerSurvived ? 'reconnected by itself' : 'had exited and was restarted'}`);

  connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection });
  const statuses = await eventually(async () => {
    const found = await s.db.sql`select workflow_id, status from incidents where workflow_id in ${s.db.sql(workflowIds)}`;
    return found.length === 3 && found.every((r) => r.status === 'resolved') ? found : undefined;
  }, 90_000).catch(async (err: Error) => {
    const described = await Promise.all(workflowIds.map(async (id) => `${id}: ${(await client.workflow.getHandle(id).describe()).status.name}`));
    const told = s.slack.messages('C0ALERTS').filter((m) => m.ephemeralFor).map((m) => `${m.ephemeralFor}: ${m.text}`);
    throw new Error(`${err.message}: ${described.join(', ')}\nephemeral replies:\n${told.join('\n')}\n${s.workerLog().slice(-2000)}`);
  });
  expect(statuses).toHaveLength(3);
  // The index says resolved one step before the workflow returns.
  for (const id of workflowIds) {
    await eventually(async () => ((await client.workflow.getHandle(id).describe()).status.name === 'COMPLETED' ? true : undefined), 20_000);
  }
  const real = realMutations(s.k8s);
  expect(namespaces.map((ns) => real.get(ns)?.length ?? 0)).toEqual([1, 1, 1]);
  expect(s.slack.messages('C0ALERTS').filter((m) => !m.threadTs)).toHaveLength(3);
}, 180_000);

/**
 * Other tests start dev servers too, and a port just freed by a SIGKILL can take a moment to be reusable: a start that
 * fails is tried again (on a new port only before the first start, since a restart must keep its address).
 */
async function startDev(options: Parameters<typeof startTemporalDevServer>[0], { newPort = false } = {}): Promise<DevServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startTemporalDevServer(options);
    } catch (err) {
      if (attempt >= 4) throw err;
      if (newPort) options.port = await freePort();
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
