import { DEMO_EVENT_ID, DEMO_ISSUE_ID, DEMO_ORG, DEMO_PROJECT, SentryTestServer } from '../../../sandbox/sentry/server.js';
import type { StoredEvent } from '../../../sandbox/sentry/server.js';

let server: SentryTestServer;
const auth = () => ({ Authorization: `Bearer ${server.token}` });
const get = async (path: string, headers: Record<string, string> = auth()) => {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};

beforeEach(async () => {
  server = new SentryTestServer();
  await server.start();
});
afterEach(() => server.stop());

test('serves an issue by id and by short id, with its permalink', async () => {
  const byId = await get(`/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/`);
  expect(byId.status).toBe(200);
  expect(byId.body).toMatchObject({ id: DEMO_ISSUE_ID, shortId: 'CART-1A', count: '1284', userCount: 311, level: 'error' });
  expect(byId.body.permalink).toBe(`${server.url}/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/`);
  expect((await get(`/api/0/organizations/${DEMO_ORG}/issues/cart-1a/`)).body.id).toBe(DEMO_ISSUE_ID);
});

test('answers 401 without a token and with a wrong one, and 404 for unknown ids and orgs', async () => {
  const path = `/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/`;
  expect(await get(path, {})).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
  expect(await get(path, { Authorization: 'Bearer nope' })).toMatchObject({ status: 401, body: { detail: 'Invalid token' } });
  expect((await get(`/api/0/organizations/${DEMO_ORG}/issues/999/`)).status).toBe(404);
  expect((await get(`/api/0/organizations/other/issues/${DEMO_ISSUE_ID}/`)).status).toBe(404);
  expect((await get(`/api/0/projects/${DEMO_ORG}/${DEMO_PROJECT}/events/ffff/attachments/`)).status).toBe(404);
  expect(server.requests.map((r) => [r.status, r.authorized])).toEqual([[401, false], [401, false], [404, true], [404, true], [404, true]]);
});

test('lists events newest first, without entries unless full, on the org-scoped and the older path', async () => {
  const scoped = await get(`/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/events/`);
  expect(scoped.body.map((e: any) => e.eventID)).toEqual([DEMO_EVENT_ID, '0d1c4b3a2f1e4d5c9b8a7f6e5d4c3b2a']);
  expect(scoped.body[0].entries).toBeUndefined();
  expect(scoped.body[0].project).toBeUndefined();
  const old = await get(`/api/0/issues/${DEMO_ISSUE_ID}/events/?full=true`);
  expect(old.body.map((e: any) => e.eventID)).toEqual(scoped.body.map((e: any) => e.eventID));
  expect(old.body[0].entries[0].type).toBe('exception');
});

test('pages events with per_page and a Link header', async () => {
  const many: StoredEvent[] = Array.from({ length: 5 }, (_, i) => ({
    id: `e${i}`, eventID: `e${i}`, groupID: DEMO_ISSUE_ID, project: DEMO_PROJECT, dateCreated: `2026-11-21T08:0${i}:00Z`,
  }));
  server.addEvents(many);
  const first = await get(`/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/events/?per_page=3`);
  expect(first.body.map((e: any) => e.eventID)).toEqual(['e4', 'e3', 'e2']);
  const link = first.headers.get('link')!;
  expect(link).toContain('rel="next"; results="true"; cursor="0:3:0"');
  const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
  const second = await get(new URL(next).pathname + new URL(next).search);
  expect(second.body.map((e: any) => e.eventID)).toEqual(['e1', 'e0', DEMO_EVENT_ID]);
  expect((await get(`/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/events/?per_page=101`)).status).toBe(400);
});

test('serves the latest, oldest and a named event with entries', async () => {
  const base = `/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/events`;
  expect((await get(`${base}/latest/`)).body.eventID).toBe(DEMO_EVENT_ID);
  expect((await get(`${base}/oldest/`)).body.eventID).toBe('0d1c4b3a2f1e4d5c9b8a7f6e5d4c3b2a');
  const named = await get(`/api/0/issues/${DEMO_ISSUE_ID}/events/${DEMO_EVENT_ID}/`);
  expect(named.body.entries[0].data.values[0].stacktrace.frames).toHaveLength(6);
  expect((await get(`${base}/nope/`)).status).toBe(404);
});

test('lists an event\'s attachments with Sentry\'s fields', async () => {
  const res = await get(`/api/0/projects/${DEMO_ORG}/${DEMO_PROJECT}/events/${DEMO_EVENT_ID}/attachments/`);
  expect(res.body).toEqual([expect.objectContaining({
    id: '1', event_id: DEMO_EVENT_ID, name: 'heap-summary.txt', type: 'event.attachment', mimetype: 'text/plain', size: 2048,
  })]);
  expect((await get(`/api/0/projects/${DEMO_ORG}/other/events/${DEMO_EVENT_ID}/attachments/`)).status).toBe(404);
});

test('failNext fails matching requests the given number of times, then recovers', async () => {
  server.failNext({ pathIncludes: '/events/' }, 503, 2);
  server.failNext({}, 429);
  const events = `/api/0/issues/${DEMO_ISSUE_ID}/events/`;
  expect((await get(events)).status).toBe(503);
  const limited = await get(`/api/0/organizations/${DEMO_ORG}/issues/${DEMO_ISSUE_ID}/`);
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('1');
  expect((await get(events)).status).toBe(503);
  expect((await get(events)).status).toBe(200);
});
