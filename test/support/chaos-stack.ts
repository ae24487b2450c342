/**
 * The whole app over real HTTP for the chaos tests (test/chaos/): like stack.ts, but the worker is the real
 * `startWorker` in its own OS process (test/support/incident-worker.ts) so a test can SIGKILL and restart it, and
 * Temporal and PostgreSQL are whatever the test points it at (a dedicated dev server, a proxy it can cut).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { loadConfig, type Config } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import { openDatabase, type Database } from '../../db/index.js';
import { DEMO_NAMESPACE, demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer, type KubeObject, type KubernetesWorld } from '../../sandbox/kubernetes/server.js';
import { PrometheusTestServer } from '../../sandbox/prometheus/server.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import { SlackEmulator, type SlackEmulatorOptions } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { runServer } from '../../server/run.js';
import { findButton } from './stack.js';
import { workflowsPath } from '../../worker/create-worker.js';
import { unique } from './temporal.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const workerScript = path.join(here, 'incident-worker.ts');
const root = path.join(here, '../..');

export interface ChaosStack {
  config: Config;
  slack: SlackEmulator;
  k8s: KubernetesTestServer;
  db: Database;
  server: LookoutServer;
  /** Starts a worker process; resolves once it polls. */
  startWorker(): Promise<ChildProcess>;
  /** SIGKILLs the running worker process, if any, and waits for it to be gone. */
  killWorker(): Promise<void>;
  post(path: string, body: unknown): Promise<Response>;
  /** Every text of the emulator's worker-log lines, for a failure message. */
  workerLog(): string;
  close(): Promise<void>;
}

export interface ChaosStackOptions {
  /** PostgreSQL for the server and every worker process (e.g. a scratch database, or a proxy in front of it). */
  databaseUrl: string;
  /** Defaults to the suite's dev server. */
  temporalAddress?: string;
  namespaces?: string[];
  env?: Record<string, string>;
  slackOptions?: Partial<SlackEmulatorOptions>;
  /** Maps the emulator's Web API URL to the one the app is given, e.g. a front that fails calls for a while. */
  slackApiUrl?: (emulatorApiUrl: string) => Promise<string>;
}

export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const { databaseUrl, temporalAddress = process.env.TEMPORAL_ADDRESS, namespaces = [DEMO_NAMESPACE], env = {}, slackOptions = {}, slackApiUrl } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-chaos-'));
  const k8s = new KubernetesTestServer({ world: namespacedWorld(namespaces) });
  await k8s.start();
  k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const prometheus = new PrometheusTestServer({ series: [] });
  await prometheus.start();
  const signingSecret = `secret-${unique('s')}`;
  const botToken = 'xoxb-chaos-token';
  const slack = new SlackEmulator({ signingSecret, botToken, ...slackOptions });
  await slack.start();
  const appEnv: Record<string, string> = {
    LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: temporalAddress ?? '', TEMPORAL_TASK_QUEUE: unique('chaos'), DATABASE_URL: databaseUrl,
    SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: slackApiUrl ? await slackApiUrl(slack.apiUrl) : slack.apiUrl, ALERTS_CHANNEL: 'C0ALERTS',
    APPROVERS: 'U0ALICE', KUBECONFIG: path.join(dir, 'kubeconfig'), PROMETHEUS_URL: prometheus.url,
    // Seconds, not minutes; no storm grouping; no pacing, so twenty incidents in one channel do not queue for it.
    VERIFY_AFTER_MS: '300', STORM_WINDOW_MS: '0', SLACK_CHANNEL_PACE_MS: '0',
    ...env,
  };
  const config = loadConfig({ ...appEnv, PORT: '0' });
  const log = createLogger('chaos', 'silent');
  const db = await openDatabase({ url: databaseUrl, dataDir: dir, log });
  const server = await runServer(config, db, createMetrics(), log);
  slack.setAppUrl(server.url);

  // Bundled once, so a restarted worker polls again in about a second instead of re-bundling workflows/.
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') })).code);

  let worker: ChildProcess | undefined;
  let logTail = '';
  const startWorker = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
      cwd: root, env: { ...process.env, ...appEnv, NODE_OPTIONS: '', LOG_LEVEL: 'warn', WORKFLOW_BUNDLE_PATH: bundlePath }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker = child;
    const keep = (d: Buffer) => { logTail = (logTail + d.toString()).slice(-20_000); };
    child.stderr!.on('data', keep);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => { keep(d); if (d.toString().includes('ready')) resolve(); });
      child.once('exit', (code, signal) => reject(new Error(`worker exited (${signal ?? code}) before it was ready: ${logTail.slice(-2000)}`)));
    });
    return child;
  };
  const killWorker = async () => {
    const child = worker;
    worker = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  };

  return {
    config, slack, k8s, db, server, startWorker, killWorker,
    post: (p, body) => fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    workerLog: () => logTail,
    async close() {
      await killWorker();
      await server.close();
      await db.close();
      await slack.stop();
      await k8s.stop();
      await prometheus.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The demo world (one crash-looping pod and its Deployment) copied into each namespace. */
function namespacedWorld(namespaces: string[]): KubernetesWorld {
  const worlds = namespaces.map((ns) => {
    const world = demoWorld();
    const move = (objects: KubeObject[] = []) => objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
    const rekey = <T>(map: Record<string, T> = {}) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k.replace(/^[^/]+\//, `${ns}/`), v]));
    return {
      pods: move(world.pods), deployments: move(world.deployments), replicaSets: move(world.replicaSets), events: move(world.events),
      nodes: world.nodes, logs: rekey(world.logs), metrics: rekey(world.metrics),
    };
  });
  const all = (key: 'pods' | 'deployments' | 'replicaSets' | 'events') => worlds.flatMap((w) => w[key] ?? []);
  return {
    pods: all('pods'), deployments: all('deployments'), replicaSets: all('replicaSets'), events: all('events'), nodes: worlds[0]?.nodes,
    logs: Object.assign({}, ...worlds.map((w) => w.logs)), metrics: Object.assign({}, ...worlds.map((w) => w.metrics)),
  };
}

/** The crash-loop Alertmanager webhook for the demo pod in namespace `ns`: its own fingerprint, so its own incident. */
export function crashloopAlertIn(ns: string, startsAt: Date) {
  const body = sampleWebhook('crashloop', { startsAt });
  const labels = { ...body.commonLabels, namespace: ns };
  const retarget = (s: string) => s.replaceAll(`${DEMO_NAMESPACE}/`, `${ns}/`);
  const annotations = Object.fromEntries(Object.entries(body.commonAnnotations).map(([k, v]) => [k, retarget(v)]));
  const fingerprint = createHash('sha256').update(`${ns}/${startsAt.toISOString()}`).digest('hex').slice(0, 16);
  return { ...body, commonLabels: labels, commonAnnotations: annotations, alerts: body.alerts.map((a) => ({ ...a, labels, annotations, fingerprint })) };
}

/** The incident's threaded report once it offers an approve button, found by the workflow ID its audit link carries. */
export function reportOf(slack: SlackEmulator, workflowId: string) {
  return slack.messages('C0ALERTS').find((m) => m.threadTs && findButton(m, 'approve') && JSON.stringify(m.blocks ?? []).includes(workflowId));
}

/** Real (non-dry-run) mutations the Kubernetes server saw, per namespace. */
export function realMutations(k8s: KubernetesTestServer): Map<string, string[]> {
  const byNs = new Map<string, string[]>();
  for (const m of k8s.mutations.filter((x) => !x.dryRun)) byNs.set(m.namespace, [...(byNs.get(m.namespace) ?? []), `${m.verb} ${m.kind} ${m.name}`]);
  return byNs;
}

/** Awaits `promise`, rejecting if it takes longer than `ms`. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A small seeded RNG (mulberry32), so a failing run's random kill points can be replayed with CHAOS_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
