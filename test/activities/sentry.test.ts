import { createSentryActivities, MAX_EVENTS, SENTRY_NOT_CONFIGURED, sentryTools } from '../../activities/sentry.js';
import { DEMO_EVENT_ID, DEMO_ISSUE_ID, DEMO_ORG, DEMO_PROJECT, demoSentryWorld, SentryTestServer } from '../../sandbox/sentry/server.js';
import type { StoredEvent } from '../../sandbox/sentry/server.js';

let server: SentryTestServer;
const activities = (over: { token?: string; org?: string; baseUrl?: string; fetch?: typeof fetch } = {}) =>
  createSentryActivities({ sentry: { token: server.token, org: DEMO_ORG, ...over, baseUrl: over.baseUrl ?? server.url } });

beforeEach(async () => {
  server = new SentryTestServer();
  await server.start();
});
afterEach(() => server.stop());

describe('sentryGetIssueDetails', () => {
  test('returns the issue with the latest event\'s exception, frames (most recent, in-app first) and tags', async () => {
    const result = await activities().sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID });
    expect(result).toEqual({
      ok: true,
      issue: {
        id: DEMO_ISSUE_ID,
        shortId: 'CART-1A',
        title: 'Error: connect ECONNREFUSED 10.0.3.7:6379',
        culprit: 'RedisCache.get(src/cache/redis)',
        level: 'error',
        status: 'unresolved',
        count: 1284,
        userCount: 311,
        firstSeen: '2026-11-21T06:58:12Z',
        lastSeen: '2026-11-21T07:14:40Z',
        permalink: `${server.url}/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/`,
        project: DEMO_PROJECT,
        latestEventId: DEMO_EVENT_ID,
        exception: { type: 'Error', value: 'connect ECONNREFUSED 10.0.3.7:6379' },
        frames: [
          { function: 'RedisCache.get', module: 'src.cache.redis', file: 'src/cache/redis.js', line: 18, inApp: true, code: 'await this.connect();' },
          { function: 'CartController.get', module: 'src.cart.controller', file: 'src/cart/controller.js', line: 42, inApp: true, code: 'const cart = await this.cache.get(id);' },
          expect.objectContaining({ function: 'TCPConnectWrap.afterConnect', inApp: false }),
          expect.objectContaining({ function: 'RedisClient.connect', inApp: false }),
          expect.objectContaining({ function: 'Server.handle', inApp: false }),
          expect.objectContaining({ function: 'processTicksAndRejections', inApp: false }),
        ],
        framesOmitted: 0,
        tags: [
          { key: 'environment', value: 'production' },
          { key: 'level', value: 'error' },
          { key: 'release', value: 'cart@2.14.0' },
          { key: 'server_name', value: 'cart-7d9f8b6c5-x2k4p' },
        ],
      },
    });
    expect(server.requests.map((r) => r.path)).toEqual([
      `/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/`,
      `/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/events/latest/`,
    ]);
    expect(server.requests.every((r) => r.authorized)).toBe(true);
  });

  test('keeps 10 frames of a long stack trace, in-app frames first, and counts the rest', async () => {
    const world = demoSentryWorld();
    const frames = Array.from({ length: 60 }, (_, i) => ({
      function: `fn${i}`, filename: `f${i}.js`, lineNo: i, inApp: i % 3 === 0, context: [[i, `x`.repeat(5000)]],
    }));
    world.events[0]!.entries = [{ type: 'exception', data: { values: [{ type: 'RangeError', value: 'Maximum call stack size exceeded', stacktrace: { frames } }] } }];
    server.load(world);
    const result = await activities().sentryGetIssueDetails({ issueId: 'CART-1A' });
    if (!result.ok) throw new Error(result.error);
    expect(result.issue.frames.map((f) => f.function)).toEqual(['fn57', 'fn54', 'fn51', 'fn48', 'fn45', 'fn42', 'fn39', 'fn36', 'fn33', 'fn30']);
    expect(result.issue.framesOmitted).toBe(50);
    expect(result.issue.frames.every((f) => (f.code ?? '').length <= 200)).toBe(true);
    expect(JSON.stringify(result).length).toBeLessThan(8_000);
  });

  test('redacts secrets in what it returns', async () => {
    const world = demoSentryWorld();
    world.events[0]!.tags!.push({ key: 'url', value: 'postgres://app:hunter2secret@db:5432/shop' });
    world.issues[0]!.title = 'Error: login failed password=hunter2secret';
    server.load(world);
    const result = await activities().sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID });
    expect(JSON.stringify(result)).not.toContain('hunter2secret');
    expect(JSON.stringify(result)).toContain('[redacted]');
  });

  test('answers ok:false for an unknown issue, a wrong token, a wrong org and a bad id, without throwing', async () => {
    expect(await activities().sentryGetIssueDetails({ issueId: '999' })).toEqual({
      ok: false, error: 'Sentry answered HTTP 404 for issue 999 (check the id and SENTRY_ORG): The requested resource does not exist',
    });
    expect(await activities({ token: 'wrong' }).sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID })).toEqual({
      ok: false, error: `Sentry answered HTTP 401 for issue ${DEMO_ISSUE_ID} (check SENTRY_AUTH_TOKEN): Invalid token`,
    });
    expect(await activities({ org: 'other' }).sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID })).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 404') });
    expect(await activities().sentryGetIssueDetails({ issueId: '../../admin' })).toMatchObject({ ok: false, error: expect.stringContaining('is not a Sentry id') });
    expect(server.requests.filter((r) => r.path.includes('admin'))).toEqual([]);
  });

  test('still answers when the issue has no events left', async () => {
    server.load({ ...demoSentryWorld(), events: [] });
    const result = await activities().sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID });
    expect(result).toMatchObject({ ok: true, issue: { frames: [], framesOmitted: 0, tags: [{ key: 'environment', value: 'production' }] } });
  });

  test('throws a retryable failure on 5xx and when Sentry is unreachable or slow', async () => {
    server.failNext({}, 503);
    await expect(activities().sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID }))
      .rejects.toMatchObject({ type: 'SentryUnavailable', nonRetryable: false, message: expect.stringContaining('HTTP 503') });
    const timingOut = (async () => { throw new DOMException('The operation was aborted due to timeout', 'TimeoutError'); }) as typeof fetch;
    await expect(activities({ fetch: timingOut }).sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID }))
      .rejects.toMatchObject({ type: 'SentryUnreachable', message: expect.stringContaining('no answer within 10 s') });
    const url = server.url;
    await server.stop();
    await expect(activities({ baseUrl: url }).sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID }))
      .rejects.toMatchObject({ type: 'SentryUnreachable', nonRetryable: false });
  });

  test('sends every request with a 10 s timeout signal and accepts SENTRY_URL with /api/0/', async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const spy = ((input: RequestInfo | URL, init?: RequestInit) => { signals.push(init?.signal); return fetch(input, init); }) as typeof fetch;
    const result = await activities({ baseUrl: `${server.url}/api/0/`, fetch: spy }).sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID });
    expect(result.ok).toBe(true);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s instanceof AbortSignal)).toBe(true);
  });
});

describe('sentryListEventsForIssue', () => {
  const many = (n: number): StoredEvent[] => Array.from({ length: n }, (_, i) => ({
    id: `ev${String(i).padStart(2, '0')}`, eventID: `ev${String(i).padStart(2, '0')}`, groupID: DEMO_ISSUE_ID, project: DEMO_PROJECT,
    title: 'Error: boom', message: 'm'.repeat(3000), dateCreated: new Date(Date.UTC(2026, 10, 21, 8, i)).toISOString(),
    tags: [{ key: 'environment', value: 'staging' }],
  }));

  test('returns the events newest first with exact fields', async () => {
    const result = await activities().sentryListEventsForIssue({ issueId: DEMO_ISSUE_ID });
    expect(result).toEqual({
      ok: true,
      more: false,
      events: [
        { eventId: DEMO_EVENT_ID, dateCreated: '2026-11-21T07:14:40Z', title: 'Error: connect ECONNREFUSED 10.0.3.7:6379', culprit: 'RedisCache.get(src/cache/redis)', environment: 'production', release: 'cart@2.14.0', level: 'error' },
        { eventId: '0d1c4b3a2f1e4d5c9b8a7f6e5d4c3b2a', dateCreated: '2026-11-21T07:02:05Z', title: 'Error: connect ECONNREFUSED 10.0.3.7:6379', culprit: 'RedisCache.get(src/cache/redis)', environment: 'production', release: 'cart@2.14.0', level: 'error' },
      ],
    });
    expect(server.requests[0]!.path).toBe(`/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/events/?per_page=10`);
  });

  test('caps the events at 10, honours a smaller limit, and bounds messages', async () => {
    server.addEvents(many(40));
    const capped = await activities().sentryListEventsForIssue({ issueId: DEMO_ISSUE_ID, limit: 500 });
    if (!capped.ok) throw new Error(capped.error);
    expect(capped.events).toHaveLength(MAX_EVENTS);
    expect(capped.events[0]!.eventId).toBe('ev39');
    expect(capped.more).toBe(true);
    expect(capped.events.every((e) => (e.message ?? '').length <= 500)).toBe(true);
    const three = await activities().sentryListEventsForIssue({ issueId: DEMO_ISSUE_ID, limit: 3 });
    expect(three.ok && three.events.map((e) => e.eventId)).toEqual(['ev39', 'ev38', 'ev37']);
  });

  test('answers ok:false for an unknown issue and throws on 503', async () => {
    expect(await activities().sentryListEventsForIssue({ issueId: '77' })).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 404 for events of issue 77') });
    server.failNext({ pathIncludes: '/events/' }, 503);
    await expect(activities().sentryListEventsForIssue({ issueId: DEMO_ISSUE_ID })).rejects.toMatchObject({ type: 'SentryUnavailable' });
  });
});

describe('sentryGetEventAttachments', () => {
  test('returns name, type and size only', async () => {
    expect(await activities().sentryGetEventAttachments({ project: DEMO_PROJECT, eventId: DEMO_EVENT_ID })).toEqual({
      ok: true, total: 1, attachments: [{ name: 'heap-summary.txt', type: 'text/plain', size: 2048 }],
    });
  });

  test('answers ok:false for an unknown event and with no token', async () => {
    expect(await activities().sentryGetEventAttachments({ project: DEMO_PROJECT, eventId: 'abc' })).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 404 for attachments of event abc') });
    expect(await activities({ token: '' }).sentryGetEventAttachments({ project: DEMO_PROJECT, eventId: DEMO_EVENT_ID })).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 401') });
  });
});

test('every tool says Sentry is not configured when it is not, without a request', async () => {
  const none = createSentryActivities({});
  const expected = { ok: false, error: SENTRY_NOT_CONFIGURED };
  expect(SENTRY_NOT_CONFIGURED).toBe('Sentry is not configured (set SENTRY_URL, SENTRY_AUTH_TOKEN and SENTRY_ORG)');
  expect(await none.sentryGetIssueDetails({ issueId: DEMO_ISSUE_ID })).toEqual(expected);
  expect(await none.sentryListEventsForIssue({ issueId: DEMO_ISSUE_ID })).toEqual(expected);
  expect(await none.sentryGetEventAttachments({ project: DEMO_PROJECT, eventId: DEMO_EVENT_ID })).toEqual(expected);
  expect(server.requests).toEqual([]);
});

test('the tools table maps the user-visible names to existing activities', () => {
  const acts = createSentryActivities({});
  expect(Object.keys(sentryTools)).toEqual(['sentry-get-issue-details', 'sentry-list-events-for-issue', 'sentry-get-event-attachments']);
  for (const tool of Object.values(sentryTools)) {
    expect(typeof acts[tool.activity]).toBe('function');
    expect(tool.inputSchema.type).toBe('object');
  }
});
