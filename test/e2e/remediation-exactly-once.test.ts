/**
 * Exactly once, with a real worker process SIGKILLed mid-remediation: the Kubernetes test server holds the mutating
 * request at a kill point, the worker dies, a new worker process retries the activity, and the server must have seen
 * exactly one real (non-dry-run) mutation while the workflow ends ok.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import postgres from 'postgres';
import type { Remediation } from '../../core/diagnosis.js';
import type { RemediationOutcome } from '../../core/incident.js';
import { migrate } from '../../db/migrate.js';
import { DEMO_POD, DEMO_POD_UID, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../sandbox/kubernetes/server.js';
import type { HeldRequest, HoldMatch, KubeObject, KubernetesWorld } from '../../sandbox/kubernetes/server.js';
import { createScratchDatabase } from '../db/helpers.js';
import { within } from '../support/chaos-stack.js';
import { connectTemporal, unique } from '../support/temporal.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const workerScript = path.join(here, '../support/remediation-worker.ts');
const probeWorkflow = path.join(here, '../support/remediation-probe-workflow.ts');
const root = path.join(here, '../..');

/** What each action is asked to do in namespace `ns`, and which request of it the server holds. */
const actions: Record<string, (ns: string) => { proposal: Omit<Remediation, 'id'>; request: HoldMatch }> = {
  pods_delete: (ns) => ({
    proposal: { action: 'pods_delete', target: { kind: 'Pod', namespace: ns, name: DEMO_POD, uid: DEMO_POD_UID }, params: {}, rationale: '' },
    request: { method: 'DELETE', pathIncludes: `/namespaces/${ns}/pods/${DEMO_POD}` },
  }),
  deployments_rollout_restart: (ns) => ({
    proposal: { action: 'deployments_rollout_restart', target: { kind: 'Deployment', namespace: ns, name: 'cart' }, params: {}, rationale: '' },
    request: { method: 'PATCH', pathIncludes: `/namespaces/${ns}/deployments/cart` },
  }),
  deployments_rollout_undo: (ns) => ({
    proposal: { action: 'deployments_rollout_undo', target: { kind: 'Deployment', namespace: ns, name: 'cart' }, params: {}, rationale: '' },
    request: { method: 'PATCH', pathIncludes: `/namespaces/${ns}/deployments/cart` },
  }),
};
const killPoints: Record<string, Pick<HoldMatch, 'dryRun' | 'stage'>> = {
  'before the dry run': { dryRun: true, stage: 'before' },
  'between the dry run and the real call': { dryRun: false, stage: 'before' },
  'after the real call, before the ledger write': { dryRun: false, stage: 'after' },
};

let server: KubernetesTestServer;
let dir: string;
let kubeconfig: string;
let bundlePath: string;
let db: { url: string; drop(): Promise<void> };
let sql: postgres.Sql;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let client: Client;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-once-'));
  server = new KubernetesTestServer();
  await server.start();
  kubeconfig = path.join(dir, 'kubeconfig');
  server.writeKubeconfig(kubeconfig);
  db = await createScratchDatabase();
  sql = postgres(db.url, { max: 2, onnotice: () => {} });
  await migrate(sql);
  temporal = await connectTemporal();
  client = temporal.client;
  // Bundled once here, so each worker process starts in about a second.
  const { code } = await bundleWorkflowCode({ workflowsPath: probeWorkflow, logger: new DefaultLogger('WARN') });
  bundlePath = path.join(dir, 'probe-bundle.js');
  fs.writeFileSync(bundlePath, code);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await temporal?.close();
  await sql?.end();
  await db?.drop();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// One worker process runs one remediation per kill point at once (each on its own copy of the demo world, in its own
// namespace), all held at their kill points when the worker is killed; a second worker process finishes them.
test.each(Object.keys(actions))('%s: a worker SIGKILLed at each kill point still changes the cluster exactly once', async (action) => {
  const points = Object.entries(killPoints).map(([point, stage], i) => ({ point, stage, ns: `shop-${i + 1}` }));
  server.load(mergeWorlds(points.map(({ ns }) => inNamespace(demoWorld(), ns))));
  server.clearRecords();
  const taskQueue = unique('remediation-once');
  const runs = points.map(({ point, stage, ns }) => {
    const { proposal, request } = actions[action](ns);
    const workflowId = unique('once');
    return { point, ns, workflowId, proposal, held: server.hold({ ...request, ...stage }) };
  });

  const first = await startWorker(taskQueue);
  const handles = await Promise.all(runs.map(({ workflowId, proposal }) => client.workflow.start('remediationProbeWorkflow', {
    taskQueue, workflowId, args: [{ idempotencyKey: `${workflowId}/p1`, proposal: { id: 'p1', ...proposal }, approvedBy: 'U123' }],
  })));
  const caught: HeldRequest[] = await within(20_000, Promise.all(runs.map((r) => r.held)), 'the held requests');
  first.kill('SIGKILL');
  // The worker died with every request in flight: the server sees each connection close before it answers.
  expect(await within(5_000, Promise.all(caught.map((c) => c.abandoned)), 'the hang-ups')).toEqual([true, true, true]);

  const second = await startWorker(taskQueue);
  const outcomes = (await within(30_000, Promise.all(handles.map((h) => h.result())), 'the workflow results')) as RemediationOutcome[];
  second.kill('SIGKILL');

  for (const [i, { point, ns, workflowId }] of runs.entries()) {
    expect({ point, outcome: outcomes[i] }).toMatchObject({ point, outcome: { proposalId: 'p1', ok: true } });
    const real = server.mutations.filter((m) => !m.dryRun && m.namespace === ns);
    expect({ point, real: real.map((m) => `${m.verb} ${m.kind} ${m.name}`) }).toEqual({
      point, real: [action === 'pods_delete' ? `delete Pod ${DEMO_POD}` : 'patch Deployment cart'],
    });
    const rows = await sql`select detail from audit_events where idempotency_key = ${`${workflowId}/p1`}`;
    expect({ point, rows: rows.length }).toEqual({ point, rows: 1 });
    if (action === 'deployments_rollout_undo') {
      expect(server.get('Deployment', ns, 'cart')?.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/cart:1.8.1');
    }
  }
});

/** The same objects in another namespace. */
function inNamespace(world: KubernetesWorld, ns: string): KubernetesWorld {
  const move = (objects: KubeObject[] = []) => objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
  const rekey = <T>(map: Record<string, T> = {}) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k.replace(/^[^/]+\//, `${ns}/`), v]));
  return {
    pods: move(world.pods), deployments: move(world.deployments), replicaSets: move(world.replicaSets), events: move(world.events),
    nodes: world.nodes, logs: rekey(world.logs), metrics: rekey(world.metrics),
  };
}

function mergeWorlds(worlds: KubernetesWorld[]): KubernetesWorld {
  const all = (key: 'pods' | 'deployments' | 'replicaSets' | 'events') => worlds.flatMap((w) => w[key] ?? []);
  return {
    pods: all('pods'), deployments: all('deployments'), replicaSets: all('replicaSets'), events: all('events'), nodes: worlds[0]?.nodes,
    logs: Object.assign({}, ...worlds.map((w) => w.logs)), metrics: Object.assign({}, ...worlds.map((w) => w.metrics)),
  };
}

/** Starts the worker script as its own OS process; resolves once it polls the task queue. */
async function startWorker(taskQueue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    cwd: root,
    env: {
      ...process.env, TASK_QUEUE: taskQueue, KUBECONFIG: kubeconfig, DATABASE_URL: db.url, WORKFLOW_BUNDLE: bundlePath,
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr.slice(-2000)}`)));
  });
  return child;
}
