/**
 * Chaos: the worker process is SIGKILLed at random moments while twenty incidents go through the real pipeline
 * (Alertmanager webhook -> Temporal -> Slack report -> signed approve click -> Kubernetes), and restarted each time.
 * Every incident must end resolved, none lost, and the cluster must see exactly one real mutation per incident.
 * CHAOS_SEED replays a run's kill points; CHAOS_INCIDENTS and CHAOS_KILLS change its size.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { IncidentState } from '../../workflows/types.js';
import { DEMO_POD } from '../../sandbox/kubernetes/demo-world.js';
import { createScratchDatabase, realPostgresUnavailable } from '../db/helpers.js';
import { crashloopAlertIn, realMutations, reportOf, seededRandom, startChaosStack, within, type ChaosStack } from '../support/chaos-stack.js';
import { findButton } from '../support/stack.js';

const INCIDENTS = Number(process.env.CHAOS_INCIDENTS ?? 20);
const KILLS = Number(process.env.CHAOS_KILLS ?? 4);
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));

const pgMissing = await realPostgresUnavailable();
if (pgMissing) console.warn(`worker-kill chaos test skipped: ${pgMissing}`);

let db: { url: string; drop(): Promise<void> } | undefined;
let stack: ChaosStack | undefined;
let connection: Connection | undefined;
let stopped = false;
afterAll(async () => {
  stopped = true;
  await stack?.close();
  await connection?.close();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(pgMissing ? test.skip : test)(`${INCIDENTS} incidents survive ${KILLS} worker SIGKILLs at random moments (seed ${seed})`, async () => {
  console.log(`worker-kill chaos: CHAOS_SEED=${seed}`);
  const random = seededRandom(seed);
  const namespaces = Array.from({ length: INCIDENTS }, (_, i) => `shop-${i + 1}`);
  db = await createScratchDatabase();
  const s = (stack = await startChaosStack({ databaseUrl: db.url, namespaces }));
  connection = await Connection.connect({ address: s.config.temporal.address! });
  const client = new Client({ connection });
  await s.startWorker();
  const started = Date.now();

  // The chaos: at random moments while incidents are in flight, kill the worker and start a new one.
  const kills: { atMs: number; downMs: number }[] = [];
  const chaos = (async () => {
    for (let k = 0; k < KILLS; k += 1) {
      await sleep(1500 + random() * 5000);
      const atMs = Date.now() - started;
      await s.killWorker();
      const down = random() * 1500;
      await sleep(down);
      await s.startWorker();
      kills.push({ atMs, downMs: Date.now() - started - atMs });
    }
  })();

  // Alerts arrive over a few seconds through the real endpoint; each report is approved by the approver as it appears.
  const startsAt = new Date(Date.now() - 60_000);
  const stage = new Map<string, string>();
  const incidents = namespaces.map(async (ns, i) => {
    await sleep(i * 150);
    const res = await s.post('/alerts/alertmanager', crashloopAlertIn(ns, startsAt));
    expect(res.status).toBe(202);
    const workflowId: string = (await res.json()).results[0].workflowId;
    stage.set(ns, `${workflowId}: waiting for the report`);
    const report = await s.slack.waitFor(() => reportOf(s.slack, workflowId), 150_000);
    const click = await s.slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: findButton(report, 'approve')!, userId: 'U0ALICE' });
    expect(click.status).toBe(200);
    stage.set(ns, `${workflowId}: approved at ${Date.now() - started} ms, waiting for the result`);
    // Polled rather than long-polled, so nothing is left waiting on the connection when a failed test closes it.
    const handle = client.workflow.getHandle(workflowId);
    while (!stopped && (await handle.describe()).status.name === 'RUNNING') await sleep(500);
    const { status } = (await handle.result()) as IncidentState;
    stage.set(ns, `${workflowId}: ${status}`);
    return { ns, workflowId, status };
  });

  await chaos;
  const results = await within(Number(process.env.CHAOS_BUDGET_MS ?? started + 280_000 - Date.now()), Promise.all(incidents), `the ${INCIDENTS} incidents' results after the kills at ${JSON.stringify(kills)}`)
    .catch(async (err: Error) => {
      const open = await Promise.all([...stage.entries()].filter(([, v]) => !v.endsWith('resolved')).map(async ([ns, v]) => {
        const id = v.split(':')[0];
        const raw = (await client.workflow.getHandle(id).describe()).raw;
        const pending = (raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} attempt ${a.attempt} ${a.state} ${a.lastFailure?.message ?? ''}`);
        const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
        const last = events.slice(-8).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0].replace('EVENT_TYPE_', ''));
        return `${ns} ${v}; pending: ${pending.join(' | ') || 'none'}; last events: ${last.join(', ')}`;
      }));
      const told = s.slack.messages('C0ALERTS').filter((m) => m.ephemeralFor).map((m) => `${m.ephemeralFor}: ${m.text}`);
      const refusals = await s.db.sql`select workflow_id, type, detail from audit_events where type like 'decision.refused%' or type like 'refus%'`;
      throw new Error(`${err.message}\nunfinished:\n${open.join('\n')}\nephemeral replies:\n${told.join('\n')}\nrefusals: ${JSON.stringify(refusals)}\nworker log tail:\n${s.workerLog().slice(-3000)}`);
    });
  console.log(`worker-kill chaos: seed ${seed}, kills at ${kills.map((k) => `${k.atMs} ms (down ${k.downMs} ms)`).join(', ')}; done in ${Date.now() - started} ms`);

  // None lost: every workflow and every incidents row says resolved.
  expect(results.filter((r) => r.status !== 'resolved')).toEqual([]);
  const rows = await s.db.sql`select workflow_id, status from incidents where workflow_id in ${s.db.sql(results.map((r) => r.workflowId))}`;
  expect(rows.filter((r) => r.status !== 'resolved')).toEqual([]);
  expect(rows).toHaveLength(INCIDENTS);

  // Exactly once: one real pod deletion per incident's namespace, nothing else.
  const real = realMutations(s.k8s);
  const doubled = namespaces.filter((ns) => (real.get(ns) ?? []).length !== 1 || real.get(ns)![0] !== `delete Pod ${DEMO_POD}`);
  expect(doubled.map((ns) => ({ ns, real: real.get(ns) ?? [] }))).toEqual([]);
  // One outcome message per incident in Slack, too.
  const outcomes = s.slack.messages('C0ALERTS').filter((m) => m.threadTs && m.text.includes('approved by <@U0ALICE>'));
  expect(outcomes).toHaveLength(INCIDENTS);
  expect(new Set(outcomes.map((m) => m.threadTs)).size).toBe(INCIDENTS);
}, 300_000);
