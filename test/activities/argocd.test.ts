import { ApplicationFailure } from '@temporalio/activity';
import { ARGOCD_NOT_CONFIGURED, argocdTools, createArgoCdActivities, MAX_HISTORY } from '../../activities/argocd.js';
import { ArgoCdTestServer, DEMO_APP, DEMO_PROJECT, DEMO_REPO, demoApplications } from '../../sandbox/argocd/server.js';

let server: ArgoCdTestServer;
const activities = (over: { token?: string; baseUrl?: string; fetch?: typeof fetch } = {}) =>
  createArgoCdActivities({ argocd: { token: server.token, ...over, baseUrl: over.baseUrl ?? server.url } });
const source = { repoURL: DEMO_REPO, path: 'apps/cart', targetRevision: 'main' };

beforeEach(async () => {
  server = new ArgoCdTestServer();
  await server.start();
});
afterEach(() => server.stop());

describe('argocdGetApplication', () => {
  test('returns sync and health status, revision, source, operation and problem resources', async () => {
    expect(await activities().argocdGetApplication({ name: DEMO_APP })).toEqual({
      ok: true,
      application: {
        name: DEMO_APP,
        project: DEMO_PROJECT,
        syncStatus: 'Synced',
        healthStatus: 'Degraded',
        healthMessage: 'Deployment "cart" exceeded its progress deadline',
        revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e',
        source,
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        conditions: [],
        operation: {
          phase: 'Succeeded', message: 'successfully synced (all tasks run)', revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e',
          startedAt: '2026-11-21T06:55:40Z', finishedAt: '2026-11-21T06:56:02Z',
        },
        problemResources: [{ kind: 'Deployment', name: 'cart', namespace: 'shop', status: 'Synced', health: 'Degraded', message: 'Deployment "cart" exceeded its progress deadline' }],
        images: ['registry.example.com/shop/cart:2.14.0'],
      },
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v1/applications/${DEMO_APP}`]);
  });

  test('bounds conditions and redacts secrets in them', async () => {
    const [app] = demoApplications();
    app!.status!.conditions = Array.from({ length: 30 }, (_, i) => ({
      type: 'ComparisonError', message: `rpc error ${i}: repo https://git:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x failed ${'!'.repeat(2000)}`,
    }));
    server.load([app!]);
    const result = await activities().argocdGetApplication({ name: DEMO_APP });
    if (!result.ok) throw new Error(result.error);
    expect(result.application.conditions).toHaveLength(10);
    expect(result.application.conditions.every((c) => c.message.length <= 500)).toBe(true);
    expect(JSON.stringify(result)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  test('answers ok:false for an unknown app, a wrong token and a bad name, without throwing', async () => {
    expect(await activities().argocdGetApplication({ name: 'nope' })).toEqual({
      ok: false, error: 'ArgoCD answered HTTP 404 for application nope: applications.argoproj.io "nope" not found',
    });
    expect(await activities({ token: 'wrong' }).argocdGetApplication({ name: DEMO_APP })).toEqual({
      ok: false, error: 'ArgoCD answered HTTP 401 for application cart (check ARGOCD_AUTH_TOKEN): invalid session: token signature is invalid',
    });
    expect(await activities().argocdGetApplication({ name: '../settings' })).toMatchObject({ ok: false, error: expect.stringContaining('not an ArgoCD application name') });
    expect(server.requests).toHaveLength(2);
  });

  test('throws a retryable failure on 503 and when ArgoCD is unreachable', async () => {
    server.failNext({}, 503);
    await expect(activities().argocdGetApplication({ name: DEMO_APP }))
      .rejects.toMatchObject({ type: 'ArgoCDUnavailable', nonRetryable: false, message: expect.stringContaining('HTTP 503') });
    const url = server.url;
    await server.stop();
    await expect(activities({ baseUrl: `${url}/api/v1` }).argocdGetApplication({ name: DEMO_APP }))
      .rejects.toMatchObject({ type: 'ArgoCDUnreachable', nonRetryable: false });
  });
});

describe('argocdGetHistory', () => {
  test('returns the last deployments newest first with revision, time and source', async () => {
    expect(await activities().argocdGetHistory({ name: DEMO_APP, limit: 2 })).toEqual({
      ok: true,
      name: DEMO_APP,
      total: 3,
      deployments: [
        { id: 13, revision: '8c2e1f0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e', deployedAt: '2026-11-21T06:56:02Z', deployStartedAt: '2026-11-21T06:55:40Z', source, initiatedBy: 'bob' },
        { id: 12, revision: '3f4e5d6c7b8a99a8b7c6d5e4f3a2b1c0d9e8f7a6', deployedAt: '2026-11-20T09:30:20Z', deployStartedAt: '2026-11-20T09:30:02Z', source, initiatedBy: 'alice' },
      ],
    });
  });

  test('caps a long history', async () => {
    const [app] = demoApplications();
    app!.status!.history = Array.from({ length: 100 }, (_, id) => ({ id, revision: `r${id}`, deployedAt: '2026-11-01T00:00:00Z', source }));
    server.load([app!]);
    const def = await activities().argocdGetHistory({ name: DEMO_APP });
    expect(def.ok && def.deployments.map((d) => d.id)).toEqual([99, 98, 97, 96, 95]);
    const max = await activities().argocdGetHistory({ name: DEMO_APP, limit: 1000 });
    expect(max.ok && max.deployments).toHaveLength(MAX_HISTORY);
    expect(max.ok && max.total).toBe(100);
  });

  test('answers ok:false for an unknown app', async () => {
    expect(await activities().argocdGetHistory({ name: 'nope' })).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 404') });
  });
});

describe('argocdSyncApplication', () => {
  test('starts one sync with its parameters and returns the Running operation', async () => {
    const result = await activities().argocdSyncApplication({ name: DEMO_APP, revision: '3f4e5d6c7b8a99a8b7c6d5e4f3a2b1c0d9e8f7a6' });
    expect(result).toMatchObject({
      ok: true,
      application: { name: DEMO_APP, operation: { phase: 'Running', revision: '3f4e5d6c7b8a99a8b7c6d5e4f3a2b1c0d9e8f7a6', dryRun: false } },
    });
    expect(server.mutations).toHaveLength(1);
    expect(server.mutations[0]).toMatchObject({
      action: 'sync', name: DEMO_APP, revision: '3f4e5d6c7b8a99a8b7c6d5e4f3a2b1c0d9e8f7a6', prune: false, dryRun: false,
      body: { name: DEMO_APP, revision: '3f4e5d6c7b8a99a8b7c6d5e4f3a2b1c0d9e8f7a6', prune: false, dryRun: false },
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /api/v1/applications/${DEMO_APP}/sync`]);
  });

  test('a dry run is sent as one and recorded as one', async () => {
    await activities().argocdSyncApplication({ name: DEMO_APP, dryRun: true });
    expect(server.mutations).toEqual([expect.objectContaining({ dryRun: true, revision: undefined, prune: false })]);
  });

  test('a retry of the same sync finds it running (ok, alreadyRunning); a different sync meanwhile is ok:false', async () => {
    await activities().argocdSyncApplication({ name: DEMO_APP, revision: 'abc' });
    expect(await activities().argocdSyncApplication({ name: DEMO_APP, revision: 'abc' })).toMatchObject({
      ok: true, alreadyRunning: true, application: { operation: { phase: 'Running', revision: 'abc' } },
    });
    expect(await activities().argocdSyncApplication({ name: DEMO_APP })).toEqual({
      ok: false, error: 'ArgoCD answered HTTP 400 for sync of application cart: another operation is already in progress',
    });
    expect(await activities().argocdSyncApplication({ name: DEMO_APP, revision: 'abc', dryRun: true })).toMatchObject({ ok: false });
    expect(server.mutations).toHaveLength(1);
  });

  test('403 fails for good, naming the missing ArgoCD permission', async () => {
    server.refuseSync(DEMO_APP);
    const err = await activities().argocdSyncApplication({ name: DEMO_APP }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, type: 'Forbidden' });
    expect((err as Error).message).toContain(`"applications, sync, ${DEMO_PROJECT}/${DEMO_APP}"`);
    expect(server.mutations).toEqual([]);
  });

  test('a 403 without ArgoCD\'s message still names the permission, with the project read from the app', async () => {
    const bare = (async (input: RequestInfo | URL, init?: RequestInit) => (String(input).endsWith('/sync')
      ? new Response(JSON.stringify({ code: 7 }), { status: 403 })
      : fetch(input, init))) as typeof fetch;
    await expect(activities({ fetch: bare }).argocdSyncApplication({ name: DEMO_APP }))
      .rejects.toMatchObject({ nonRetryable: true, message: expect.stringContaining(`applications, sync, ${DEMO_PROJECT}/${DEMO_APP}`) });
  });

  test('throws a retryable failure on 503 without recording a sync', async () => {
    server.failNext({ method: 'POST' }, 503);
    await expect(activities().argocdSyncApplication({ name: DEMO_APP })).rejects.toMatchObject({ nonRetryable: false, type: 'ArgoCDUnavailable' });
    expect(server.mutations).toEqual([]);
  });
});

test('every tool says ArgoCD is not configured when it is not, without a request', async () => {
  const none = createArgoCdActivities({});
  const expected = { ok: false, error: 'ArgoCD is not configured (set ARGOCD_URL and ARGOCD_AUTH_TOKEN)' };
  expect(ARGOCD_NOT_CONFIGURED).toBe(expected.error);
  expect(await none.argocdGetApplication({ name: DEMO_APP })).toEqual(expected);
  expect(await none.argocdGetHistory({ name: DEMO_APP })).toEqual(expected);
  expect(await none.argocdSyncApplication({ name: DEMO_APP })).toEqual(expected);
  expect(server.requests).toEqual([]);
});

test('the read tools table maps the user-visible names to existing activities, and holds no mutation', () => {
  const acts = createArgoCdActivities({});
  expect(Object.keys(argocdTools)).toEqual(['argocd_application_get', 'argocd_application_history']);
  for (const tool of Object.values(argocdTools)) expect(typeof acts[tool.activity]).toBe('function');
  expect(Object.values(argocdTools).map((t) => t.activity)).not.toContain('argocdSyncApplication');
});
