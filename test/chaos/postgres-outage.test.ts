/**
 * Chaos: PostgreSQL unreachable for CHAOS_PG_OUTAGE_MS (30 s by default). The server and the worker reach the machine's
 * PostgreSQL through a TCP proxy the test controls; cutting it drops every connection and refuses new ones. Alerts must
 * still be accepted (Temporal holds them), /readyz must say PostgreSQL is what is missing, and once it is back the
 * retried activities write the incident and audit rows and the reports reach Slack, once each.
 */
import postgres from 'postgres';
import { createScratchDatabase, REAL_POSTGRES_URL, realPostgresUnavailable } from '../db/helpers.js';
import { crashloopAlertIn, reportOf, startChaosStack, type ChaosStack } from '../support/chaos-stack.js';
import { eventually } from '../support/stack.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const OUTAGE_MS = Number(process.env.CHAOS_PG_OUTAGE_MS ?? 30_000);
const pgMissing = await realPostgresUnavailable();
if (pgMissing) console.warn(`PostgreSQL outage chaos test skipped: ${pgMissing}`);

let db: { url: string; drop(): Promise<void> } | undefined;
let direct: postgres.Sql | undefined;
let proxy: TcpProxy | undefined;
let stack: ChaosStack | undefined;
afterAll(async () => {
  proxy?.up();
  await stack?.close();
  await proxy?.stop();
  await direct?.end();
  await db?.drop();
});

const readyz = async () => {
  const res = await fetch(`${stack!.server.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { failing?: string[]; checks: Record<string, string> } };
};

(pgMissing ? test.skip : test)(`PostgreSQL down for ${OUTAGE_MS / 1000} s: alerts accepted, /readyz 503, rows written once it is back`, async () => {
  db = await createScratchDatabase();
  const real = new URL(REAL_POSTGRES_URL);
  proxy = new TcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
  const proxied = new URL(db.url);
  proxied.port = String(await proxy.start());
  // A connection that bypasses the proxy: the test's own view of what was written, during the outage too.
  direct = postgres(db.url, { max: 1, onnotice: () => {} });
  const namespaces = ['shop-1', 'shop-2', 'shop-3'];
  const s = (stack = await startChaosStack({ databaseUrl: proxied.toString(), namespaces }));
  await s.startWorker();
  expect(await readyz()).toMatchObject({ status: 200, body: { checks: { postgres: 'ok', temporal: 'ok' } } });

  proxy.down();
  const outageStarted = Date.now();
  const startsAt = new Date(Date.now() - 60_000);
  const accepted = await Promise.all(namespaces.map(async (ns) => {
    const res = await s.post('/alerts/alertmanager', crashloopAlertIn(ns, startsAt));
    return { status: res.status, body: await res.json() };
  }));
  expect(accepted.map((a) => a.status)).toEqual([202, 202, 202]);
  const workflowIds: string[] = accepted.map((a) => a.body.results[0].workflowId);

  const during = await readyz();
  expect(during).toMatchObject({ status: 503, body: { failing: ['postgres'], checks: { temporal: 'ok', postgres: expect.stringMatching(/^unavailable: /) } } });
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
  // Nothing could be written, nothing was posted (every Slack post first takes a pacing slot in PostgreSQL).
  expect(await readyz()).toMatchObject({ status: 503, body: { failing: ['postgres'] } });
  expect(await direct`select workflow_id from incidents where workflow_id in ${direct(workflowIds)}`).toHaveLength(0);
  expect(proxy.refused).toBeGreaterThan(0);
  proxy.up();
  const recovered = Date.now();

  await eventually(async () => ((await readyz()).status === 200 ? true : undefined), 10_000);
  // Once it is back: each incident's row and its audit trail are written by the retried activities, and its report
  // reaches the thread, once.
  const rows = await eventually(async () => {
    const found = await direct!`select workflow_id, status from incidents where workflow_id in ${direct!(workflowIds)}`;
    return found.length === workflowIds.length ? found : undefined;
  }, 60_000);
  expect(rows.map((r) => r.workflow_id).sort()).toEqual([...workflowIds].sort());
  for (const workflowId of workflowIds) await s.slack.waitFor(() => reportOf(s.slack, workflowId), 60_000);
  const audit = await direct`select workflow_id, type from audit_events where workflow_id in ${direct(workflowIds)}`;
  expect(new Set(audit.map((a) => a.workflow_id))).toEqual(new Set(workflowIds));
  console.log(`postgres outage: ${OUTAGE_MS} ms, ${proxy.refused} connections refused, rows and reports ${Date.now() - recovered} ms after it ended`);

  const top = s.slack.messages('C0ALERTS').filter((m) => !m.threadTs);
  expect(top).toHaveLength(namespaces.length);
  for (const workflowId of workflowIds) {
    expect(s.slack.messages('C0ALERTS').filter((m) => m.threadTs && JSON.stringify(m.blocks ?? []).includes(workflowId) && m.text.includes('CrashLoopBackOff'))).toHaveLength(1);
  }
}, 150_000);
