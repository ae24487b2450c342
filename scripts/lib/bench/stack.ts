import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessagesApiTestServer, type MessagesRequest, type ScriptedTurn } from '../../../sandbox/anthropic/server.js';
import { demoWorld } from '../../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../../sandbox/kubernetes/server.js';
import { PrometheusTestServer } from '../../../sandbox/prometheus/server.js';
import { crashloopRestartSeries } from '../../../sandbox/samples.js';
import { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { freePort } from '../ports.js';
import { startTemporalDevServer } from '../temporal-dev-server.js';
import { benchCpuSeconds, machineBusySeconds, postgresCpuSeconds, processCpuSeconds, type CpuSnapshot } from './cpu.js';

export const ALERTS_CHANNEL = 'C0ALERTS';
export const APPROVER = 'U0ALICE';

/** Worker and server as `npm run worker` / `npm run server` (real PostgreSQL), or both inside the bench process. */
export type Topology = 'processes' | 'single-process';

export interface Rss {
  worker: number;
  server: number;
  /** The bench process itself: the sender, the tracker and the local test servers (and, in one process, everything). */
  bench: number;
}

export interface BenchStack {
  topology: Topology;
  temporalAddress: string;
  namespace: string;
  serverUrl: string;
  slack: SlackEmulator;
  llm: MessagesApiTestServer;
  /** Resident memory now, in MB. */
  rss(): Rss;
  /** CPU seconds used so far by each part that runs as its own process, and the machine's busy seconds. */
  cpu(): CpuSnapshot;
  /** Warnings and errors from the Temporal SDK and core (e.g. activities finishing after their timeout), by message. */
  temporalWarnings(): Record<string, number>;
  /** Why part of the stack stopped while it should be running; undefined while all is well. */
  failure(): string | undefined;
  /** A worker for the bare-Temporal baseline on `taskQueue`, placed and tuned like the incident worker. */
  startBareWorker(taskQueue: string): Promise<BareWorker>;
  close(): Promise<void>;
}

export interface BareWorker {
  /** CPU seconds the bare worker's own process has used so far; absent when it runs inside the bench (counted there). */
  cpuSeconds?(): number;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Extra environment for the worker and server (reminders, TTLs, WORKER_* tuning). */
  env?: Record<string, string>;
}

/**
 * The LLM script: the first turn reads the pod's previous log (one read-only tool call, a real activity against the
 * Kubernetes test server), the second answers. A function of the request, because hundreds of incidents ask at once.
 */
function scriptedModel(request: MessagesRequest): ScriptedTurn {
  if (request.messages.length === 1) {
    return [{ type: 'tool_use', name: 'pods_log', input: { namespace: 'shop', name: 'cart-7d9f8b6c5-x2k4p', previous: true } }];
  }
  return [{ type: 'text', text: 'Category: CrashLoopBackOff\nThe cart container exits at start; its previous log shows why.' }];
}

/** What both topologies share: a temp dir, Temporal, the local fakes, and the environment that points Lookout at them. */
export interface Fakes {
  dir: string;
  temporalAddress: string;
  /** The Temporal dev server's PID, when the bench started it. */
  temporalPid?: number;
  slack: SlackEmulator;
  llm: MessagesApiTestServer;
  /** Lookout's settings for the bench, as environment variables. */
  env: Record<string, string>;
  /** Cleanups in the order they were registered; run them in reverse. */
  cleanups: (() => Promise<void>)[];
}

/**
 * CPU seconds so far of the bench process, the Temporal dev server it started, PostgreSQL and the given processes,
 * with the machine's busy seconds (everything, all cores) to compare against.
 */
export function cpuSnapshot(fakes: Fakes, processes: Record<string, number>): CpuSnapshot {
  const snapshot: CpuSnapshot = { machine: machineBusySeconds(), bench: benchCpuSeconds(), postgres: postgresCpuSeconds() };
  if (fakes.temporalPid) snapshot.temporal = processCpuSeconds(fakes.temporalPid);
  for (const [name, pid] of Object.entries(processes)) snapshot[name] = processCpuSeconds(pid);
  return snapshot;
}

export async function closeAll(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
}

/** Starts the local servers; on failure, stops what it started and throws. */
export async function startFakes(extraEnv: Record<string, string> = {}): Promise<Fakes> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    // A Temporal dev server of our own (in memory, headless) unless TEMPORAL_ADDRESS names one.
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    let temporalPid: number | undefined;
    if (!temporalAddress) {
      const binary = process.env.TEMPORAL_BINARY ?? execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8' }).trim();
      const dev = await startTemporalDevServer({ binary, port: await freePort(), ui: false });
      cleanups.push(() => dev.stop());
      temporalAddress = dev.address;
      temporalPid = dev.process.pid;
    }
    const k8s = new KubernetesTestServer({ world: demoWorld() });
    await k8s.start();
    cleanups.push(() => k8s.stop());
    k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
    const prometheus = new PrometheusTestServer({ series: [crashloopRestartSeries()] });
    await prometheus.start();
    cleanups.push(() => prometheus.stop());
    const llm = new MessagesApiTestServer({ apiKey: 'sk-ant-bench', script: scriptedModel });
    await llm.start();
    cleanups.push(() => llm.stop());
    const signingSecret = `bench-${process.pid}-${Date.now()}`;
    const botToken = 'xoxb-bench-token';
    const slack = new SlackEmulator({ signingSecret, botToken });
    await slack.start();
    cleanups.push(() => slack.stop());
    const env = {
      LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: `bench-${process.pid}-${Date.now()}`,
      SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: slack.apiUrl, ALERTS_CHANNEL, APPROVERS: APPROVER,
      KUBECONFIG: path.join(dir, 'kubeconfig'), PROMETHEUS_URL: prometheus.url,
      ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: llm.url, LLM_MODEL: 'claude-bench',
      // Every alert its own incident; Slack's ~1 message/s/channel pacing is a real-Slack limit, not what we measure.
      STORM_WINDOW_MS: '0', SLACK_CHANNEL_PACE_MS: '0', VERIFY_AFTER_MS: '0',
      ...extraEnv,
    };
    return { dir, temporalAddress, temporalPid, slack, llm, env, cleanups };
  } catch (err) {
    await closeAll(cleanups);
    throw err;
  }
}

export interface StartOptions extends BenchStackOptions {
  topology: Topology;
  /** processes: node flags for the worker and server processes (--cpu-prof). */
  nodeFlags?: string[];
  /** processes: the server to create the scratch database on. single-process: DATABASE_URL, or PGlite when unset. */
  databaseUrl?: string;
}

export async function startBenchStack({ topology, databaseUrl, env, nodeFlags }: StartOptions): Promise<BenchStack> {
  if (topology === 'processes') {
    const { startProcessStack } = await import('./processes.js');
    return await startProcessStack({ adminUrl: databaseUrl!, env, nodeFlags });
  }
  const { startSingleProcessStack } = await import('./single-process.js');
  return await startSingleProcessStack({ databaseUrl, env });
}
