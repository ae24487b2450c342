import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import { MessagesApiTestServer, type MessagesRequest, type ScriptedTurn } from '../../../sandbox/anthropic/server.js';
import { demoWorld } from '../../../sandbox/kubernetes/demo-world.js';
import { KubernetesTestServer } from '../../../sandbox/kubernetes/server.js';
import { PrometheusTestServer } from '../../../sandbox/prometheus/server.js';
import { crashloopRestartSeries } from '../../../sandbox/samples.js';
import { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { loadConfig, type Config } from '../../../core/config.js';
import { createLogger } from '../../../core/logger.js';
import { createMetrics } from '../../../core/metrics.js';
import { openDatabase, type Database } from '../../../db/index.js';
import type { LookoutServer } from '../../../server/app.js';
import { runServer } from '../../../server/run.js';
import { buildActivityDeps, startWorker } from '../../../worker/run.js';
import { freePort } from '../ports.js';
import { startTemporalDevServer, type DevServer } from '../temporal-dev-server.js';

export const ALERTS_CHANNEL = 'C0ALERTS';
export const APPROVER = 'U0ALICE';

export interface BenchStack {
  config: Config;
  temporalAddress: string;
  slack: SlackEmulator;
  k8s: KubernetesTestServer;
  llm: MessagesApiTestServer;
  db: Database;
  server: LookoutServer;
  /** Warnings and errors from the Temporal SDK and core (e.g. activities finishing after their timeout), by message. */
  temporalWarnings: Map<string, number>;
  close(): Promise<void>;
}

export interface BenchStackOptions {
  /** Extra environment for loadConfig (reminders, TTLs). */
  env?: Record<string, string>;
  /** Temporal worker options passed through createWorker's `tuning`. */
  tuning?: Partial<WorkerOptions>;
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

/** A Temporal dev server of our own (in memory, headless) unless TEMPORAL_ADDRESS names one. */
async function temporal(): Promise<{ address: string; dev?: DevServer }> {
  if (process.env.TEMPORAL_ADDRESS) return { address: process.env.TEMPORAL_ADDRESS };
  const binary = process.env.TEMPORAL_BINARY ?? execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8' }).trim();
  const dev = await startTemporalDevServer({ binary, port: await freePort(), ui: false });
  return { address: dev.address, dev };
}

/**
 * The pipeline as `npm start` wires it (server and worker in one process, PGlite unless DATABASE_URL is set), against
 * the local Slack, Kubernetes, Prometheus and Messages API servers, all at zero latency. Mirrors test/support/stack.ts,
 * plus the LLM and worker tuning, which startWorker does not take.
 */
export async function startBenchStack({ env = {}, tuning }: BenchStackOptions = {}): Promise<BenchStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const { address, dev } = await temporal();
    if (dev) cleanups.push(() => dev.stop());
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

    const config = loadConfig({
      PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: `bench-${process.pid}-${Date.now()}`,
      DATABASE_URL: process.env.DATABASE_URL, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken,
      SLACK_API_URL: slack.apiUrl, ALERTS_CHANNEL, APPROVERS: APPROVER, KUBECONFIG: path.join(dir, 'kubeconfig'),
      PROMETHEUS_URL: prometheus.url, ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: llm.url, LLM_MODEL: 'claude-bench',
      // Every alert its own incident; Slack's ~1 message/s/channel pacing is a real-Slack limit, not what we measure.
      STORM_WINDOW_MS: '0', SLACK_CHANNEL_PACE_MS: '0', VERIFY_AFTER_MS: '0',
      ...env,
    });
    const log = createLogger('bench', 'silent');
    const db = await openDatabase({ url: config.databaseUrl, dataDir: dir, log });
    cleanups.push(() => db.close());
    const metrics = createMetrics();

    // Core's own logs are counted rather than printed, so stdout stays the table and the JSON line.
    const temporalWarnings = new Map<string, number>();
    Runtime.install({
      logger: new DefaultLogger('WARN', ({ message }) => temporalWarnings.set(message, (temporalWarnings.get(message) ?? 0) + 1)),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
    });
    const worker = await startWorker(config, buildActivityDeps(config, db.sql, metrics), log, { tuning, forwardTemporalLogs: false });
    cleanups.push(() => worker.shutdown());

    const server = await runServer(config, db, metrics, log);
    cleanups.push(() => server.close());
    slack.setAppUrl(server.url);
    return { config, temporalAddress: address, slack, k8s, llm, db, server, temporalWarnings, close };
  } catch (err) {
    await close();
    throw err;
  }
}
