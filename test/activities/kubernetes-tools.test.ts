import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createKubernetesActivities } from '../../activities/kubernetes.js';
import { boundLog, kubernetesTools, LOG_MAX_CHARS } from '../../activities/kubernetes-tools.js';
import { DEMO_DEPLOYMENT, DEMO_NAMESPACE, DEMO_NODE, DEMO_POD, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import type { KubernetesWorld } from '../../sandbox/kubernetes/types.js';
import { buildKubernetes } from '../../worker/clients.js';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const ns = DEMO_NAMESPACE;
const SECRET_LOG = [
  'starting cart',
  'connecting with password=hunter2 to the cache',
  'GET /api Authorization: Bearer abcdef0123456789abcdef0123',
  'dsn postgres://cart:s3cretPw9@db.shop.svc:5432/cart',
  'panic: dial tcp 10.0.3.7:6379: connect: connection refused',
].join('\n');

let server: KubernetesTestServer;
let dir: string;
let acts: ReturnType<typeof createKubernetesActivities>;
const env = new MockActivityEnvironment(undefined, { logger: quiet });

function world(): KubernetesWorld {
  const w = demoWorld();
  const container = w.pods![0].spec.containers[0];
  container.env = [...container.env, { name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'PLAIN', value: 'plain-value-42' }];
  w.logs![`${ns}/${DEMO_POD}/cart`] = SECRET_LOG;
  return w;
}

beforeAll(async () => {
  server = new KubernetesTestServer({ recreateDeletedPods: false });
  await server.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-k8s-tools-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  server.writeKubeconfig(kubeconfig);
  acts = createKubernetesActivities({ kubernetes: buildKubernetes({ kubeconfig }) });
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.load(world());
  server.clearRecords();
});

const run = (fn: (input: any) => Promise<unknown>, input: unknown): Promise<any> => env.run(fn, input);

describe('the tool table', () => {
  test('names the tools users see, each mapped to an activity that exists, with strict schemas', () => {
    expect(Object.keys(kubernetesTools).sort()).toEqual(
      ['deployments_get', 'events_list', 'nodes_get', 'pods_get', 'pods_list', 'pods_log', 'pods_metrics'],
    );
    for (const tool of Object.values(kubernetesTools)) {
      expect(typeof acts[tool.activity]).toBe('function');
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(tool.description.length).toBeGreaterThan(40);
    }
  });
});

describe('happy paths', () => {
  test('pods_get summarises the pod, with env var names but never their values', async () => {
    const answer = await run(acts.podsGet, { namespace: ns, name: DEMO_POD });
    expect(answer).toMatchObject({
      ok: true,
      pod: {
        name: DEMO_POD, phase: 'Running', node: DEMO_NODE, owner: 'ReplicaSet/cart-7d9f8b6c5',
        containers: [{
          name: 'cart', image: 'ghcr.io/acme/cart:1.8.2', ready: false, restartCount: 14,
          state: { status: 'waiting', reason: 'CrashLoopBackOff' },
          lastState: { status: 'terminated', reason: 'Error', exitCode: 1 },
          resources: { limits: { memory: '256Mi' } },
          env: ['REDIS_ADDR', 'CACHE_REQUIRED', 'DB_PASSWORD', 'PLAIN'],
        }],
      },
    });
    const text = JSON.stringify(answer);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('plain-value-42');
    expect(text).not.toContain('readinessProbe');
  });

  test('pods_list puts unhealthy pods first, filters by selectors and caps with a total', async () => {
    const w = world();
    for (let i = 0; i < 40; i++) {
      w.pods!.push({ metadata: { name: `web-${i}`, namespace: ns, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'web:1' }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, restartCount: 0 }] } });
    }
    server.load(w);
    const all = await run(acts.podsList, { namespace: ns });
    expect(all).toMatchObject({ ok: true, total: 41, more: 11 });
    expect(all.pods).toHaveLength(30);
    expect(all.pods[0]).toEqual(expect.objectContaining({ name: DEMO_POD, ready: '0/1', restarts: 14, reason: 'CrashLoopBackOff' }));
    const web = await run(acts.podsList, { namespace: ns, labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n1', limit: 5 });
    expect(web).toMatchObject({ ok: true, total: 40, more: 35 });
    expect(web.pods.map((p: { name: string }) => p.name)).toEqual(['web-0', 'web-1', 'web-10', 'web-11', 'web-12']);
  });

  test('pods_metrics reads metrics.k8s.io for one pod or a selection', async () => {
    const one = await run(acts.podsMetrics, { namespace: ns, name: DEMO_POD });
    expect(one).toMatchObject({ ok: true, total: 1, pods: [{ name: DEMO_POD, containers: [{ name: 'cart', cpu: '1m', memory: '9Mi' }] }] });
    expect(await run(acts.podsMetrics, { namespace: ns, labelSelector: 'app=cart' })).toMatchObject({ ok: true, total: 1 });
    expect(await run(acts.podsMetrics, { namespace: ns, labelSelector: 'app=nothing' })).toMatchObject({ ok: true, total: 0, pods: [] });
  });

  test('events_list filters by involved object, newest last', async () => {
    const answer = await run(acts.eventsList, { namespace: ns, kind: 'Pod', name: DEMO_POD, fieldSelector: 'type=Warning' });
    expect(answer).toMatchObject({ ok: true, total: 1, more: 0, events: [{ type: 'Warning', reason: 'BackOff', object: `Pod/${DEMO_POD} spec.containers{cart}`, count: 231 }] });
    const all = await run(acts.eventsList, { namespace: ns, limit: 2 });
    expect(all).toMatchObject({ ok: true, total: 4, more: 2 });
    expect(all.events.at(-1).reason).toBe('BackOff');
  });

  test('deployments_get shows replica counts and the ReplicaSets newest revision first', async () => {
    const answer = await run(acts.deploymentsGet, { namespace: ns, name: DEMO_DEPLOYMENT });
    expect(answer).toMatchObject({
      ok: true,
      deployment: {
        name: 'cart', revision: '3', replicas: { desired: 1, unavailable: 1 },
        containers: [{ name: 'cart', image: 'ghcr.io/acme/cart:1.8.2', env: ['REDIS_ADDR', 'CACHE_REQUIRED'] }],
        replicaSets: [
          { name: 'cart-7d9f8b6c5', revision: '3', images: ['cart=ghcr.io/acme/cart:1.8.2'], replicas: 1 },
          { name: 'cart-6b8d5f7c9', revision: '2', images: ['cart=ghcr.io/acme/cart:1.8.1'], replicas: 0 },
        ],
      },
    });
    expect(JSON.stringify(answer)).not.toContain('cart-redis.shop.svc');
  });

  test('nodes_get reads conditions, taints, capacity and the pods on the node', async () => {
    const w = world();
    w.nodes![0].spec.taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }];
    w.nodes![0].spec.unschedulable = true;
    server.load(w);
    const answer = await run(acts.nodesGet, { name: DEMO_NODE });
    expect(answer).toMatchObject({
      ok: true,
      node: {
        name: DEMO_NODE, ready: 'True', unschedulable: true,
        taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }],
        allocatable: { cpu: '1930m' }, capacity: { pods: '29' },
        pods: { total: 1, more: 0, pods: [{ name: DEMO_POD, namespace: ns }] },
      },
    });
    expect(answer.node.conditions.map((c: { type: string }) => c.type)).toContain('MemoryPressure');
    expect(server.requests.map((r) => r.path)).toContainEqual(expect.stringContaining(`fieldSelector=spec.nodeName%3D${DEMO_NODE}`));
  });
});

describe('logs: bounded and redacted', () => {
  test('secrets in log lines come back redacted, the rest readable', async () => {
    const answer = await run(acts.podsLog, { namespace: ns, name: DEMO_POD, container: 'cart' });
    expect(answer).toMatchObject({ ok: true, truncated: false, lines: 5 });
    expect(answer.text).toContain('connection refused');
    for (const secret of ['hunter2', 'abcdef0123456789abcdef0123', 's3cretPw9']) expect(answer.text).not.toContain(secret);
    expect(answer.text).toContain('[redacted]');
  });

  test('a huge log stays under the cap and keeps its error lines', async () => {
    const w = world();
    const lines = Array.from({ length: 1500 }, (_, i) => (i === 100 ? 'FATAL: out of memory allocating 4096 bytes' : `INFO request ${i} served in 12ms ${'x'.repeat(40)}`));
    w.logs![`${ns}/${DEMO_POD}/cart`] = `${lines.join('\n')}\n`;
    server.load(w);
    const answer = await run(acts.podsLog, { namespace: ns, name: DEMO_POD, tailLines: 2000 });
    expect(answer.ok).toBe(true);
    expect(answer.text.length).toBeLessThanOrEqual(LOG_MAX_CHARS);
    expect(answer.text).toContain('FATAL: out of memory');
    expect(answer.text).toContain('INFO request 1499 served');
    expect(answer.text).toMatch(/\[… \d+ lines cut …\]/);
    expect(answer).toMatchObject({ truncated: true, lines: 1500 });
    // The default tail is 200 lines.
    expect((await run(acts.podsLog, { namespace: ns, name: DEMO_POD })).lines).toBe(200);
  });

  test('boundLog leaves a short log alone and hard-caps a single giant line', () => {
    expect(boundLog('a\nb\n')).toEqual({ text: 'a\nb', lines: 2, shownLines: 2, truncated: false });
    expect(boundLog('y'.repeat(50_000)).text.length).toBeLessThanOrEqual(LOG_MAX_CHARS);
  });
});

describe('refusals and bad input are answers, transient failures throw', () => {
  test('404 and 403 come back as ok:false with the API\'s words and what to grant', async () => {
    expect(await run(acts.podsGet, { namespace: ns, name: 'nope' })).toEqual({ ok: false, error: 'Not found: pods "nope" not found' });
    expect(await run(acts.nodesGet, { name: 'ip-10-9-9-9' })).toEqual({ ok: false, error: 'Not found: nodes "ip-10-9-9-9" not found' });
    server.failNext({ pathIncludes: '/nodes/' }, 403);
    const forbidden = await run(acts.nodesGet, { name: DEMO_NODE });
    expect(forbidden.ok).toBe(false);
    expect(forbidden.error).toMatch(/^Forbidden: Lookout may not get nodes; grant its service account the RBAC verb "get" on "nodes"/);
    expect(forbidden.error).toContain('cannot get resource "nodes" in API group "" at the cluster scope');
    server.failNext({ pathIncludes: '/log' }, 403);
    expect((await run(acts.podsLog, { namespace: ns, name: DEMO_POD })).error).toMatch(/RBAC verb "get" on "pods\/log"/);
  });

  test('a node whose pods may not be listed is still answered, saying so', async () => {
    server.failNext({ pathIncludes: '/api/v1/pods' }, 403);
    const answer = await run(acts.nodesGet, { name: DEMO_NODE });
    expect(answer).toMatchObject({ ok: true, node: { name: DEMO_NODE, pods: { error: expect.stringMatching(/^Forbidden: .*list pods/) } } });
  });

  test('a 503 or 429 throws so Temporal retries', async () => {
    server.failNext({ pathIncludes: '/pods/' }, 503);
    await expect(run(acts.podsGet, { namespace: ns, name: DEMO_POD })).rejects.toThrow(/Kubernetes get pods in shop failed/);
    server.failNext({ pathIncludes: '/events' }, 429);
    await expect(run(acts.eventsList, { namespace: ns })).rejects.toMatchObject({ type: 'KubernetesUnavailable' });
  });

  test('an unreachable cluster throws', async () => {
    const other = new KubernetesTestServer();
    await other.start();
    const file = path.join(dir, 'gone');
    other.writeKubeconfig(file);
    await other.stop();
    const gone = createKubernetesActivities({ kubernetes: buildKubernetes({ kubeconfig: file }) });
    await expect(run(gone.podsGet, { namespace: ns, name: DEMO_POD })).rejects.toMatchObject({ type: 'KubernetesUnavailable' });
  });

  test('bad input is refused before any request', async () => {
    const cases: [keyof typeof acts, unknown, RegExp][] = [
      ['podsGet', { namespace: 'Shop', name: DEMO_POD }, /namespace must be a DNS label/],
      ['podsGet', { namespace: ns }, /name is required/],
      ['podsGet', { namespace: ns, name: '../etc' }, /name must be a Kubernetes object name/],
      ['podsList', { namespace: ns, labelSelector: 'app=cart;rm -rf' }, /labelSelector must be a label selector/],
      ['podsList', { namespace: ns, limit: 1000 }, /limit must be an integer from 1 to 30/],
      ['podsLog', { namespace: ns, name: DEMO_POD, previous: 'yes' }, /previous must be true or false/],
      ['eventsList', { namespace: ns, kind: 'pod; drop' }, /kind must be a Kind/],
      ['eventsList', { namespace: ns, fieldSelector: 'reason=a b' }, /fieldSelector must be a field selector/],
      ['nodesGet', {}, /name is required/],
    ];
    for (const [activity, input, error] of cases) {
      const answer = await run(acts[activity] as (i: unknown) => Promise<unknown>, input);
      expect(answer).toEqual({ ok: false, error: expect.stringMatching(error) });
    }
    expect(server.requests).toEqual([]);
  });

  test('without a cluster every tool says it is not configured', async () => {
    const none = createKubernetesActivities({});
    for (const tool of Object.values(kubernetesTools)) {
      const answer = await run(none[tool.activity] as (i: unknown) => Promise<unknown>, { namespace: ns, name: DEMO_POD });
      expect(answer).toEqual({ ok: false, error: expect.stringMatching(/^Kubernetes is not configured/) });
    }
  });
});

describe('collectKubernetesFacts', () => {
  test('reads the pod\'s node, redacts logs and strips env values', async () => {
    const facts = await run(acts.collectKubernetesFacts, { target: { namespace: ns, pod: DEMO_POD } });
    expect(facts.nodes.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([DEMO_NODE]);
    expect(facts.logs[0].text).toContain('connection refused');
    const text = JSON.stringify(facts);
    for (const secret of ['hunter2', 'plain-value-42', 's3cretPw9', 'abcdef0123456789abcdef0123']) expect(text).not.toContain(secret);
    expect(facts.pod.spec.containers[0].env).toEqual([{ name: 'REDIS_ADDR' }, { name: 'CACHE_REQUIRED' }, { name: 'DB_PASSWORD' }, { name: 'PLAIN' }]);
    expect(facts.deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'REDIS_ADDR' }, { name: 'CACHE_REQUIRED' }]);
  });

  test('a node-only alert reads the node, the pods on it and its events', async () => {
    const w = world();
    w.nodes![0].status.conditions = [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }];
    w.events!.push({
      metadata: { name: `${DEMO_NODE}.a1`, namespace: 'default' },
      involvedObject: { kind: 'Node', name: DEMO_NODE, apiVersion: 'v1' },
      reason: 'NodeNotReady', message: `Node ${DEMO_NODE} status is now: NodeNotReady`, type: 'Normal',
    });
    server.load(w);
    const facts = await run(acts.collectKubernetesFacts, { target: { node: DEMO_NODE } });
    expect(facts.problems).toEqual([]);
    expect(facts.nodes[0].status.conditions[0]).toMatchObject({ type: 'Ready', status: 'Unknown' });
    expect(facts.pods.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual([DEMO_POD]);
    expect(facts.events.map((e: { reason: string }) => e.reason)).toEqual(['NodeNotReady']);
  });

  test('a node-only alert for a missing node says so in problems', async () => {
    const facts = await run(acts.collectKubernetesFacts, { target: { node: 'ip-10-9-9-9' } });
    expect(facts.problems).toContainEqual(expect.stringMatching(/^node ip-10-9-9-9: HTTP 404: nodes "ip-10-9-9-9" not found/));
  });
});
