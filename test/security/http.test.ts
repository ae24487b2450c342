import fc from 'fast-check';
import { sampleWebhook } from '../../sandbox/samples.js';
import { signSlackRequest } from '../../sandbox/slack/signature.js';
import { eventually, findButton, startStack, type Stack } from '../support/stack.js';
import { capture, countWorkflows, LEAK, replay, sleep, temporalClient } from './helpers.js';

// The HTTP surface as an attacker sees it: the whole app over real HTTP (test/support/stack.ts), single-workspace mode.
let stack: Stack;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let secret: string;
beforeAll(async () => {
  stack = await startStack();
  temporal = await temporalClient();
  secret = stack.config.slack.signingSecret!;
}, 120_000);
afterAll(async () => {
  await temporal?.close();
  await stack?.close();
});

const url = (p: string) => `${stack.server.url}${p}`;
const now = () => Math.floor(Date.now() / 1000);
const challenge = (c: string) => JSON.stringify({ token: 'x', challenge: c, type: 'url_verification' });

function slackPost(body: string, { timestamp = now(), signature, contentType = 'application/json' }: { timestamp?: number; signature?: string; contentType?: string } = {}) {
  return fetch(url('/slack/events'), {
    method: 'POST', body,
    headers: {
      'content-type': contentType, 'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature ?? signSlackRequest(secret, timestamp, body),
    },
  });
}

async function expectRefused(res: Response, status: number) {
  const text = await res.text();
  expect(res.status).toBe(status);
  expect(text).not.toMatch(LEAK);
  return text;
}

describe('Slack request signatures', () => {
  test('a correctly signed request is served (the control for the refusals below)', async () => {
    const res = await slackPost(challenge('c-ok'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('c-ok');
  });

  test('forged, missing, other-secret, stale and future-dated signatures get 401 and are not served', async () => {
    const body = challenge('c-forged');
    const t = now();
    const cases: [string, Promise<Response>][] = [
      ['garbage signature', slackPost(body, { signature: 'v0=deadbeef' })],
      ['signed with another secret', slackPost(body, { signature: signSlackRequest('not-the-secret', t, body), timestamp: t })],
      ['signature of a different body', slackPost(body, { signature: signSlackRequest(secret, t, challenge('other')), timestamp: t })],
      ['no signature headers', fetch(url('/slack/events'), { method: 'POST', body, headers: { 'content-type': 'application/json' } })],
      ['timestamp 6 minutes old', slackPost(body, { timestamp: t - 6 * 60 })],
      ['timestamp 6 minutes ahead', slackPost(body, { timestamp: t + 6 * 60 })],
      ['timestamp not a number', slackPost(body, { timestamp: Number.NaN })],
    ];
    for (const [name, sent] of cases) {
      const res = await sent;
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(await res.text()).not.toContain('c-forged');
    }
  });

  test('a replayed interactive payload is refused and does not act twice', async () => {
    const res = await stack.post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 60_000) }));
    expect(res.status).toBe(202);
    const { results: [{ workflowId }] } = await res.json();
    const alert = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => !m.threadTs && m.text.includes('KubePodCrashLooping')), 30_000);
    const report = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', alert.ts).find((m) => findButton(m, 'approve')), 30_000);
    const refusals = async () => (await stack.db.sql`
      select count(*)::int as n from audit_events where workflow_id = ${workflowId} and type = 'decision.refused'`)[0].n as number;

    // Bob is no approver: his click is refused once and recorded once.
    const { request, response } = await capture(() => stack.slack.clickButton({
      channel: 'C0ALERTS', ts: report.ts, actionId: findButton(report, 'reject')!, userId: 'U0BOB',
    }));
    expect(response.status).toBe(200);
    await eventually(async () => ((await refusals()) === 1 ? true : undefined));

    // The same bytes again, within the five minutes: refused before any listener runs.
    await expectRefused(await replay(request), 401);
    await expectRefused(await replay(request), 401);
    await sleep(1500);
    expect(await refusals()).toBe(1);
    expect(stack.slack.messages('C0ALERTS').filter((m) => m.ephemeralFor === 'U0BOB')).toHaveLength(1);
    // Marked as a Slack retry (an unsigned header anyone can add), a repeat is acknowledged but still not acted on.
    const retried = await fetch(request.url, { method: 'POST', body: request.body, headers: { ...request.headers, 'x-slack-retry-num': '1' } });
    expect(retried.status).toBe(200);
    await sleep(1000);
    expect(await refusals()).toBe(1);
    // A replayed approver's click cannot act twice either: Alice's reject ends the incident once, the replay is refused.
    const alice = await capture(() => stack.slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: findButton(report, 'reject')!, userId: 'U0ALICE' }));
    expect(alice.response.status).toBe(200);
    await expectRefused(await replay(alice.request), 401);
    await eventually(async () => {
      const [row] = await stack.db.sql`select status from incidents where workflow_id = ${workflowId}`;
      return row?.status === 'rejected' ? true : undefined;
    });
    const decided = await stack.db.sql`select type from audit_events where workflow_id = ${workflowId} and type like 'decision.%' order by id`;
    expect(decided.map((r) => r.type)).toEqual(['decision.refused', 'decision.reject']);
    expect(stack.k8s.mutations.filter((m) => !m.dryRun)).toEqual([]);
  });
});

describe('request bodies', () => {
  const over = 'x'.repeat(1024 * 1024 + 16);

  test('every route that takes a body answers 413 above 1 MB, signed or not, and starts nothing', async () => {
    const before = await countWorkflows(temporal.client, stack.config.temporal.taskQueue);
    const bigJson = JSON.stringify({ title: 't', text: over });
    for (const path of ['/alerts/alertmanager', '/alerts/generic']) {
      const text = await expectRefused(await stack.post(path, bigJson), 413);
      expect(JSON.parse(text)).toEqual({ error: 'body is larger than 1mb' });
    }
    // Bolt's own default is 4 MB: a 2 MB signed request must not get through either.
    await expectRefused(await slackPost(JSON.stringify({ type: 'event_callback', pad: 'y'.repeat(2 * 1024 * 1024) })), 413);
    await expectRefused(await slackPost(bigJson, { signature: 'v0=00' }), 413);
    await expectRefused(await slackPost(`payload=${over}`, { contentType: 'application/x-www-form-urlencoded' }), 413);
    // The settings page's forms have their own, smaller limit, and say so in a page rather than a 500.
    const form = await fetch(`${stack.server.url}/settings/login`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${over}`,
    });
    expect(await expectRefused(form, 413)).toContain('That form was too large.');
    // Just under the limit is read and judged on its content.
    await expectRefused(await stack.post('/alerts/generic', JSON.stringify({ title: 't', text: 'x'.repeat(1000 * 1000) })), 400);
    expect(await countWorkflows(temporal.client, stack.config.temporal.taskQueue)).toBe(before);
  });

  test('malformed JSON and form bodies get 400 with a JSON error, and start nothing', async () => {
    const before = await countWorkflows(temporal.client, stack.config.temporal.taskQueue);
    for (const path of ['/alerts/alertmanager', '/alerts/generic']) {
      for (const body of ['{"title":', '{bad json}', '\u0000\u0001', '[', 'null', '"string"', '42', '[]', '{}']) {
        const text = await expectRefused(await stack.post(path, body), 400);
        expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
      }
      const form = await fetch(url(path), { method: 'POST', body: 'title=a&text=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await expectRefused(form, 400);
    }
    // Signed but unparseable: refused, not a crash.
    await expectRefused(await slackPost('{"type":'), 400);
    await expectRefused(await slackPost('payload=%7Bnot-json', { contentType: 'application/x-www-form-urlencoded' }), 400);
    expect(await countWorkflows(temporal.client, stack.config.temporal.taskQueue)).toBe(before);
  });
});

describe('fuzz', () => {
  const pollutionKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
  const key = fc.oneof(fc.constantFrom(...pollutionKeys, 'title', 'text', 'labels', 'alerts', 'version', 'status', 'severity', 'type', 'event'), fc.string());
  const leaf = fc.oneof(
    fc.string(), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, '4', 'firing', 'resolved', '2024-01-01T00:00:00Z'),
  );
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  })).value;
  const label = fc.dictionary(fc.oneof(fc.constantFrom('alertname', 'namespace', 'pod', 'severity', ...pollutionKeys), fc.string()), fc.string({ maxLength: 60 }), { maxKeys: 4 });
  // Generic bodies that are sometimes valid, so the 202 path is fuzzed too.
  const generic = fc.record({
    title: fc.oneof(fc.string({ maxLength: 80 }), json), text: fc.oneof(fc.string({ maxLength: 200 }), json),
    severity: fc.oneof(fc.string({ maxLength: 10 }), json), labels: fc.oneof(label, json), source: fc.string({ maxLength: 20 }),
  }, { requiredKeys: [] });
  const alertmanager = fc.record({
    version: fc.oneof(fc.constant('4'), json),
    alerts: fc.oneof(fc.array(fc.record({
      status: fc.constantFrom('firing', 'resolved', 'other'), labels: label, annotations: label,
      startsAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
      fingerprint: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 }), fc.string()),
    }, { requiredKeys: [] }), { maxLength: 3 }), json),
  }, { requiredKeys: [] });
  const deep = (n: number) => `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`;
  const body = (structured: fc.Arbitrary<unknown>) => fc.oneof(
    structured.map((v) => JSON.stringify(v)), json.map((v) => JSON.stringify(v)), fc.string(), fc.string({ unit: 'binary', maxLength: 200 }),
    fc.integer({ min: 50, max: 3000 }).map(deep), fc.constant('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
    fc.constant(`{"n":${'9'.repeat(5000)}}`),
  );
  const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', '', 'application/json; charset=utf-16');

  test('the alert webhooks answer 4xx or 202, never 5xx; a workflow is started for each 202 and for nothing else', async () => {
    const taskQueue = stack.config.temporal.taskQueue;
    const before = await countWorkflows(temporal.client, taskQueue);
    const started = new Set<string>();
    const statuses: Record<number, number> = {};
    const cases = [['/alerts/generic', generic], ['/alerts/alertmanager', alertmanager]] as const;
    for (const [path, structured] of cases) {
      await fc.assert(fc.asyncProperty(body(structured), contentType, async (payload, type) => {
        const res = await fetch(url(path), { method: 'POST', body: payload, headers: type ? { 'content-type': type } : {} });
        const text = await res.text();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(text).not.toMatch(LEAK);
        if (res.status === 202) {
          for (const r of JSON.parse(text).results as { outcome: string; workflowId?: string }[]) {
            if (r.outcome === 'started') started.add(r.workflowId!);
          }
          return;
        }
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
      }), { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 20261121), endOnFailure: true });
    }
    // The fuzzer found valid bodies too, and each one started exactly one workflow.
    expect(started.size).toBeGreaterThan(0);
    expect(statuses[202]).toBeGreaterThan(0);
    await eventually(async () => ((await countWorkflows(temporal.client, taskQueue)) === before + started.size ? true : undefined), 30_000)
      .catch(async () => { throw new Error(`started ${started.size}, Temporal counts ${(await countWorkflows(temporal.client, taskQueue)) - before}`); });
    for (const id of [...started].slice(0, 5)) expect((await temporal.client.workflow.getHandle(id).describe()).taskQueue).toBe(taskQueue);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 240_000);

  test('/slack/events answers 4xx to anything unsigned and never 5xx to anything signed', async () => {
    const before = await countWorkflows(temporal.client, stack.config.temporal.taskQueue);
    const events = fc.record({
      type: fc.oneof(fc.constantFrom('event_callback', 'url_verification', 'block_actions', 'app_rate_limited'), fc.string()),
      event: json, challenge: json, team_id: fc.oneof(fc.constant('T0SANDBOX'), fc.string()), payload: json,
    }, { requiredKeys: [] });
    // Batches sent at once: a signed body no listener acks is answered only after Bolt's 3 s timeout.
    const request = fc.tuple(body(events), contentType, fc.boolean());
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 10 }), async (batch) => {
      await Promise.all(batch.map((args) => sendOne(...args)));
    }), { numRuns: 15, seed: Number(process.env.FUZZ_SEED ?? 20261121), endOnFailure: true });
    await sleep(500);
    expect(await countWorkflows(temporal.client, stack.config.temporal.taskQueue)).toBe(before);
  }, 240_000);

  async function sendOne(payload: string, type: string, signed: boolean) {
    const t = now();
    const res = await fetch(url('/slack/events'), {
      method: 'POST', body: payload,
      headers: {
        ...(type ? { 'content-type': type } : {}), 'x-slack-request-timestamp': String(t),
        'x-slack-signature': signed ? signSlackRequest(secret, t, payload) : signSlackRequest('guess', t, payload),
      },
    });
    const text = await res.text();
    expect(text).not.toMatch(LEAK);
    expect(res.status).toBeLessThan(500);
    if (!signed) expect(res.status).toBe(401);
  }
});
