/**
 * An alert storm through the whole stack: 300 alerts of one rule into one channel within 10 seconds, while Slack
 * answers some calls with 429. Every alert must be recorded in an incident, the channel must get only a few top-level
 * messages, and no rate-limited message may be lost.
 */
import { crashLoopWebhook } from '../fixtures/alertmanager.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

const ALERTS = 300;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { STORM_WINDOW_MS: '600000', SLACK_CHANNEL_PACE_MS: '200' } });
}, 120_000);
afterAll(async () => { await stack?.close(); });

test(`${ALERTS} alerts in 10 s join one thread; all recorded, few top-level messages, nothing lost to 429s`, async () => {
  // Slack rate-limits the first posts and edits: each must still arrive, once.
  stack.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 3);
  stack.slack.failNext('chat.update', { status: 429, retryAfter: 1 }, 3);

  const started = Date.now();
  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch += 1) {
    const sends = Array.from({ length: ALERTS / 10 }, (_, i) => {
      const n = batch * (ALERTS / 10) + i;
      const body = crashLoopWebhook({ fingerprint: `5707${n.toString(16).padStart(12, '0')}` });
      body.alerts[0].labels = { ...body.alerts[0].labels, pod: `cart-7d9f8b6c5-p${n}` };
      return stack.post('/alerts/alertmanager', body).then((r) => statuses.push(r.status));
    });
    await Promise.all(sends);
    await new Promise((r) => setTimeout(r, Math.max(0, started + (batch + 1) * 900 - Date.now())));
  }
  const sendSeconds = (Date.now() - started) / 1000;
  expect(statuses.filter((s) => s !== 202)).toEqual([]);
  expect(sendSeconds).toBeLessThan(10.5);

  // Every alert is recorded in an incident: the leader's or a member of its storm.
  const sql = stack.db.sql;
  const count = async () => {
    const [{ incidents, members, storms }] = await sql<{ incidents: number; members: number; storms: number }[]>`
      select (select count(*)::int from incidents where alert_name = 'KubePodCrashLooping') as incidents,
             (select count(*)::int from storm_members) as members, (select count(*)::int from storms) as storms`;
    return { incidents, members, storms };
  };
  await eventually(async () => ((await count()).members === ALERTS ? true : undefined), 120_000);
  // The leader is a member of its own storm too; all of them in one storm.
  expect(await count()).toEqual({ incidents: ALERTS, members: ALERTS, storms: 1 });

  // The live summary reaches the full count on the one alert message.
  const topLevel = () => stack.slack.messages('C0ALERTS').filter((m) => (!m.threadTs || m.threadTs === m.ts) && !m.ephemeralFor);
  const summary = await eventually(async () => topLevel().find((m) => JSON.stringify(m.blocks ?? []).includes(`Storm: ${ALERTS} alerts`)), 60_000)
    .catch((err) => { throw new Error(`${err.message}; top-level: ${JSON.stringify(topLevel().map((m) => m.blocks?.slice(-2)))}`); });
  expect(summary).toBeDefined();
  expect(topLevel()).toHaveLength(1);

  // The rate-limited calls were retried, not dropped: the report made it into the thread, exactly once.
  const thread = await eventually(async () => {
    const replies = stack.slack.messages('C0ALERTS').filter((m) => m.threadTs === summary.ts);
    return replies.some((m) => (m.text ?? '').startsWith('Diagnosis for')) ? replies : undefined;
  }, 60_000);
  expect(thread.filter((m) => (m.text ?? '').startsWith('Diagnosis for'))).toHaveLength(1);
  console.log(`storm: ${ALERTS} alerts sent in ${sendSeconds.toFixed(1)} s, all recorded after ${((Date.now() - started) / 1000).toFixed(1)} s, ${topLevel().length} top-level message`);
}, 240_000);
