/**
 * Chaos: Slack answers every Web API call with 429 (Retry-After) or 500/503 for CHAOS_SLACK_WINDOW_MS while incidents
 * open, and again while their approvals run. A thin front (test/support/flaky-http.ts) in front of the emulator serves
 * the failures; the app is pointed at it by SLACK_API_URL. Messages must arrive later, once each.
 */
import { createScratchDatabase, realPostgresUnavailable } from '../db/helpers.js';
import { crashloopAlertIn, realMutations, reportOf, startChaosStack, type ChaosStack } from '../support/chaos-stack.js';
import { FlakyHttpFront } from '../support/flaky-http.js';
import { findButton } from '../support/stack.js';

const WINDOW_MS = Number(process.env.CHAOS_SLACK_WINDOW_MS ?? 8_000);
const pgMissing = await realPostgresUnavailable();
if (pgMissing) console.warn(`Slack failure chaos test skipped: ${pgMissing}`);

let db: { url: string; drop(): Promise<void> } | undefined;
let front: FlakyHttpFront | undefined;
let stack: ChaosStack | undefined;
afterAll(async () => {
  await stack?.close();
  await front?.stop();
  await db?.drop();
});

(pgMissing ? test.skip : test)(`Slack failing with 429 and 5xx for ${WINDOW_MS / 1000} s: every message arrives later, once`, async () => {
  db = await createScratchDatabase();
  const namespaces = ['shop-1', 'shop-2', 'shop-3'];
  const s = (stack = await startChaosStack({
    databaseUrl: db.url, namespaces,
    slackApiUrl: async (apiUrl) => `${await (front = new FlakyHttpFront(new URL(apiUrl).origin)).start()}/api/`,
  }));
  await s.startWorker();

  front!.failFor(WINDOW_MS);
  const opened = Date.now();
  const startsAt = new Date(Date.now() - 60_000);
  const workflowIds = await Promise.all(namespaces.map(async (ns) => {
    const res = await s.post('/alerts/alertmanager', crashloopAlertIn(ns, startsAt));
    expect(res.status).toBe(202);
    return (await res.json()).results[0].workflowId as string;
  }));
  const reports = await Promise.all(workflowIds.map((id) => s.slack.waitFor(() => reportOf(s.slack, id), 90_000)));
  expect(Date.now() - opened).toBeGreaterThanOrEqual(WINDOW_MS - 500);
  expect(front!.failed.filter((f) => f.method === 'chat.postMessage').length).toBeGreaterThan(0);
  expect(new Set(front!.failed.map((f) => f.status))).toEqual(new Set([429, 500, 503]));

  // The approvals run into a second, shorter failure window: their outcome messages also arrive once each.
  front!.failFor(WINDOW_MS / 2);
  const failedBefore = front!.failed.length;
  for (const report of reports) {
    await s.slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: findButton(report, 'approve')!, userId: 'U0ALICE' });
  }
  const outcomeOf = (alertTs: string) => s.slack.thread('C0ALERTS', alertTs).filter((m) => m.text.includes('approved by <@U0ALICE>'));
  for (const report of reports) await s.slack.waitFor(() => outcomeOf(report.threadTs!).length > 0, 90_000);
  expect(front!.failed.length).toBeGreaterThan(failedBefore);
  console.log(`slack failures: ${front!.failed.length} calls failed (${[...new Set(front!.failed.map((f) => f.method))].join(', ')}); all messages in ${Date.now() - opened} ms`);

  // Let any retry still in flight land, then count: one alert message, one report and one outcome per incident.
  await new Promise((r) => setTimeout(r, 3000));
  const all = s.slack.messages('C0ALERTS');
  expect(all.filter((m) => !m.threadTs)).toHaveLength(namespaces.length);
  for (const [i, workflowId] of workflowIds.entries()) {
    const alertTs = reports[i].threadTs!;
    expect(all.filter((m) => m.threadTs && JSON.stringify(m.blocks ?? []).includes(workflowId) && m.text.includes('CrashLoopBackOff'))).toHaveLength(1);
    expect(outcomeOf(alertTs)).toHaveLength(1);
  }
  const real = realMutations(s.k8s);
  expect(namespaces.map((ns) => real.get(ns)?.length ?? 0)).toEqual([1, 1, 1]);
}, 180_000);
