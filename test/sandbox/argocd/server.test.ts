import { ArgoCdTestServer, DEMO_APP, DEMO_PROJECT, demoApplications } from '../../../sandbox/argocd/server.js';
import type { StoredApplication } from '../../../sandbox/argocd/server.js';

let server: ArgoCdTestServer;
const auth = () => ({ Authorization: `Bearer ${server.token}` });
const call = async (path: string, { method = 'GET', body, headers = auth() }: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
};

function withSecondApp(): StoredApplication[] {
  const apps = demoApplications();
  const other = structuredClone(apps[0]!);
  other.metadata = { name: 'checkout', labels: { team: 'payments' } };
  other.spec.project = 'payments';
  return [...apps, other];
}

beforeEach(async () => {
  server = new ArgoCdTestServer({ applications: withSecondApp() });
  await server.start();
});
afterEach(() => server.stop());

test('serves an application with sync, health, history and operation state', async () => {
  const { status, body } = await call(`/api/v1/applications/${DEMO_APP}`);
  expect(status).toBe(200);
  expect(body.status.sync.status).toBe('Synced');
  expect(body.status.health.status).toBe('Degraded');
  expect(body.status.history.map((h: any) => h.id)).toEqual([11, 12, 13]);
  expect(body.status.operationState.phase).toBe('Succeeded');
  expect((await call('/api/v1/applications/nope')).body).toEqual({
    error: 'applications.argoproj.io "nope" not found', code: 5, message: 'applications.argoproj.io "nope" not found',
  });
});

test('lists applications by label selector and project', async () => {
  const names = async (q: string) => (await call(`/api/v1/applications${q}`)).body.items.map((a: any) => a.metadata.name);
  expect(await names('')).toEqual(['cart', 'checkout']);
  expect(await names(`?selector=${encodeURIComponent('team=shop')}`)).toEqual(['cart']);
  expect(await names(`?selector=${encodeURIComponent('team!=shop')}`)).toEqual(['checkout']);
  expect(await names('?selector=tier')).toEqual(['cart']);
  expect(await names('?projects=payments')).toEqual(['checkout']);
  expect((await call(`/api/v1/applications?selector=${encodeURIComponent('a in (b')}`)).status).toBe(400);
});

test('serves the resource tree', async () => {
  const { body } = await call(`/api/v1/applications/${DEMO_APP}/resource-tree`);
  expect(body.nodes.map((n: any) => `${n.kind}/${n.name}:${n.health.status}`)).toEqual(['Service/cart:Healthy', 'Deployment/cart:Degraded']);
});

test('needs a valid bearer token', async () => {
  expect(await call(`/api/v1/applications/${DEMO_APP}`, { headers: {} })).toMatchObject({ status: 401, body: { code: 16, error: 'no session information' } });
  expect((await call(`/api/v1/applications/${DEMO_APP}`, { headers: { Authorization: 'Bearer x' } })).status).toBe(401);
});

test('a sync is recorded with its parameters, leaves the operation Running, and blocks a second one until it ends', async () => {
  const res = await call(`/api/v1/applications/${DEMO_APP}/sync`, { method: 'POST', body: { revision: 'abc123', prune: true, dryRun: false } });
  expect(res.status).toBe(200);
  expect(res.body.status.operationState).toMatchObject({ phase: 'Running', operation: { sync: { revision: 'abc123', prune: true, dryRun: false }, initiatedBy: { username: 'lookout' } } });
  expect(server.mutations).toEqual([expect.objectContaining({ action: 'sync', name: DEMO_APP, revision: 'abc123', prune: true, dryRun: false })]);
  expect(await call(`/api/v1/applications/${DEMO_APP}/sync`, { method: 'POST', body: {} })).toMatchObject({ status: 400, body: { code: 9, error: 'another operation is already in progress' } });
  expect(server.mutations).toHaveLength(1);

  server.finishOperation(DEMO_APP);
  const app = server.get(DEMO_APP)!;
  expect(app.status!.operationState!.phase).toBe('Succeeded');
  expect(app.status!.history!.at(-1)).toMatchObject({ id: 14, revision: 'abc123' });
  expect(app.status!.sync).toMatchObject({ status: 'Synced', revision: 'abc123' });
});

test('a dry-run sync changes no history', async () => {
  await call(`/api/v1/applications/${DEMO_APP}/sync`, { method: 'POST', body: { dryRun: true } });
  server.finishOperation(DEMO_APP);
  expect(server.get(DEMO_APP)!.status!.history).toHaveLength(3);
  expect(server.mutations[0]).toMatchObject({ dryRun: true, revision: undefined });
});

test('refused syncs answer 403 naming the permission and are not recorded', async () => {
  server.refuseSync(DEMO_APP);
  const res = await call(`/api/v1/applications/${DEMO_APP}/sync`, { method: 'POST', body: {} });
  expect(res.status).toBe(403);
  expect(res.body.message).toMatch(new RegExp(`^permission denied: applications, sync, ${DEMO_PROJECT}/${DEMO_APP}, sub: lookout`));
  expect(server.mutations).toEqual([]);
  expect((await call('/api/v1/applications/checkout/sync', { method: 'POST', body: {} })).status).toBe(200);
});

test('failNext fails matching requests, then recovers', async () => {
  server.failNext({ method: 'GET', pathIncludes: DEMO_APP }, 503, 2);
  expect((await call(`/api/v1/applications/${DEMO_APP}`)).status).toBe(503);
  expect((await call('/api/v1/applications/checkout')).status).toBe(200);
  expect((await call(`/api/v1/applications/${DEMO_APP}`)).body).toMatchObject({ code: 14 });
  expect((await call(`/api/v1/applications/${DEMO_APP}`)).status).toBe(200);
  expect(server.requests.map((r) => r.status)).toEqual([503, 200, 503, 200]);
});
