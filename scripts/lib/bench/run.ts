import { postgresUnavailable } from '../scratch-database.js';
import type { BenchArgs } from './args.js';
import { runBare } from './bare.js';
import { cores, cpuMsPer, type CpuSnapshot } from './cpu.js';
import { approveSample } from './hold.js';
import { sendAlerts, windowGate } from './send.js';
import { startBenchStack, type BenchStack, type Rss, type Topology } from './stack.js';
import { memoryMb, percentile, round, table } from './stats.js';
import { SlackTracker } from './tracker.js';

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** The server scratch databases are made on when DATABASE_URL is unset. */
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The tuning flags as the worker's WORKER_* variables (and --heap-mb as NODE_OPTIONS); unset flags keep what the bench's
 * own environment says. MALLOC_ARENA_MAX is 2, as the image sets it (Dockerfile), unless that environment says otherwise.
 */
function workerEnv(args: BenchArgs): Record<string, string> {
  const vars: [string, number | string | undefined][] = [
    ['WORKER_MAX_CACHED_WORKFLOWS', args.maxCachedWorkflows],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', args.maxConcurrentActivities],
    ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', args.maxConcurrentWorkflowTasks],
    ['MALLOC_ARENA_MAX', process.env.MALLOC_ARENA_MAX ?? '2'],
  ];
  const env = Object.fromEntries(vars.flatMap(([name, flag]) => {
    const value = flag !== undefined ? String(flag) : process.env[name];
    return value ? [[name, value]] : [];
  }));
  return args.heapMb ? { ...env, NODE_OPTIONS: `--max-old-space-size=${args.heapMb}` } : env;
}

/** processes whenever a real PostgreSQL answers, unless --single-process; a one-line note when it falls back. */
async function startStack(args: BenchArgs, env: Record<string, string>): Promise<BenchStack> {
  const tuning = workerEnv(args);
  let topology: Topology = 'single-process';
  let databaseUrl = process.env.DATABASE_URL;
  if (!args.singleProcess) {
    const why = await postgresUnavailable(databaseUrl ?? LOCAL_POSTGRES);
    if (why) {
      process.stderr.write(`bench: no PostgreSQL (${why}), so worker and server run in this process on PGlite (--single-process)\n`);
      databaseUrl = undefined;
    } else {
      topology = 'processes';
      databaseUrl ??= LOCAL_POSTGRES;
    }
  }
  progress(`starting the stack (${topology}, tuning ${JSON.stringify(tuning)})`);
  // node refuses --cpu-prof in NODE_OPTIONS: it goes on the children's command lines.
  const nodeFlags = args.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`] : [];
  if (nodeFlags.length && topology !== 'processes') throw new Error('--cpu-prof profiles the worker and server processes; it needs the processes topology (PostgreSQL)');
  return await startBenchStack({ topology, databaseUrl, env: { ...env, ...tuning }, nodeFlags });
}

/** Peak RSS per process over the 1 s samples. */
class RssPeaks {
  peak: Rss = { worker: 0, server: 0, bench: 0 };
  constructor(private readonly stack: BenchStack) {}

  sample(): Rss {
    const now = this.stack.rss();
    for (const k of ['worker', 'server', 'bench'] as const) this.peak[k] = Math.max(this.peak[k], now[k]);
    return now;
  }
}

const rssSource = (stack: BenchStack, what: string) => (stack.topology === 'processes'
  ? `VmRSS of the worker process (/proc/<pid>/status), ${what}; server and bench processes separately`
  : `process.memoryUsage().rss, ${what}, worker+server+local servers in one process`);

/** Sends the alerts, printing a progress line a second, then waits (bounded) for every accepted alert's report. */
async function drive(stack: BenchStack, tracker: SlackTracker, args: BenchArgs, rss: RssPeaks) {
  const started = Date.now();
  let llmRequests = 0;
  /** Alerts that have their report, or never will (refused, not 202): what the --window gate counts as done. */
  let doneSoFar = 0;
  const tick = () => {
    tracker.scan();
    // The Messages API server records every request body (tools, prompts): harness memory, counted and dropped.
    llmRequests += stack.llm.requests.splice(0).length;
    const now = rss.sample();
    const { accepted, acked, reported } = tracker.counts();
    const sent = tracker.records.filter(Boolean).length;
    doneSoFar = reported + tracker.records.filter((r) => r?.status !== undefined && r.status !== 202).length;
    const memory = stack.topology === 'processes'
      ? `worker ${Math.round(now.worker)}MB server ${Math.round(now.server)}MB bench ${Math.round(now.bench)}MB`
      : `rss ${Math.round(now.bench)}MB`;
    progress(`${((Date.now() - started) / 1000).toFixed(1)}s sent ${sent}/${args.count} accepted ${accepted} acked ${acked} reported ${reported} ${memory}`);
    return { accepted, reported };
  };
  const timer = setInterval(tick, 1000);
  // The gate also stops the sending when part of the stack has died, rather than waiting on reports that cannot come.
  const gate = args.window ? windowGate(args.window, () => doneSoFar, stack.failure) : undefined;
  let sent;
  try {
    sent = await sendAlerts({ url: stack.serverUrl, tracker, count: args.count, concurrency: args.concurrency, rate: args.rate, gate });
  } finally {
    clearInterval(timer);
  }
  const deadline = Date.now() + args.drainSeconds * 1000;
  for (;;) {
    const { accepted, reported } = tick();
    const failure = stack.failure();
    if (failure) throw new Error(failure);
    if (reported >= accepted || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { sent, llmRequests };
}

function latencies(tracker: SlackTracker) {
  const rs = tracker.records.filter((r) => r?.status === 202);
  const ack = rs.filter((r) => r.ackAt !== undefined).map((r) => r.ackAt! - r.sentAt);
  const report = rs.filter((r) => r.reportAt !== undefined).map((r) => r.reportAt! - r.sentAt);
  const lost = rs.filter((r) => r.reportAt === undefined).length + tracker.records.filter((r) => r && r.status !== 202).length;
  const duplicates = rs.filter((r) => r.topLevel > 1 || r.reports > 1).length;
  const lastReport = Math.max(...rs.map((r) => r.reportAt ?? 0));
  const firstSent = Math.min(...rs.map((r) => r.sentAt));
  const reported = report.length;
  return { ack, report, lost, duplicates, reported, throughSeconds: (lastReport - firstSent) / 1000 };
}

export async function pipeline(args: BenchArgs): Promise<Record<string, unknown>> {
  const stack = await startStack(args, {});
  try {
    const tracker = new SlackTracker(stack.slack);
    const rss = new RssPeaks(stack);
    const cpuBefore = stack.cpu();
    const driveStarted = Date.now();
    const { sent, llmRequests } = await drive(stack, tracker, args, rss);
    const cpuAfter = stack.cpu();
    const cpu = cpuMsPer(cpuBefore, cpuAfter, sent.accepted);
    const busy = busyShare(cpuBefore, cpuAfter, (Date.now() - driveStarted) / 1000);
    const l = latencies(tracker);
    const pipelinePerS = l.reported / l.throughSeconds;
    let bare: { perSecond: number; seconds: number; cpuMsPerWorkflow: Record<string, number> } = { perSecond: NaN, seconds: NaN, cpuMsPerWorkflow: {} };
    if (!args.skipBare) {
      progress(`bare Temporal: ${args.count} workflows of one no-op activity`);
      bare = await runBare({
        address: stack.temporalAddress, namespace: stack.namespace, workflows: args.count, concurrency: args.concurrency,
        startWorker: (taskQueue) => stack.startBareWorker(taskQueue), cpu: stack.cpu,
      });
    }
    const result = {
      alerts: args.count, lost: l.lost, duplicates: l.duplicates, alerts_per_s: round(sent.accepted / sent.seconds),
      ack_p50_ms: round(percentile(l.ack, 50)), ack_p95_ms: round(percentile(l.ack, 95)),
      report_p50_ms: round(percentile(l.report, 50)), report_p95_ms: round(percentile(l.report, 95)),
      bare_workflows_per_s: round(bare.perSecond), ratio_to_bare: round(pipelinePerS / bare.perSecond, 3), worker_rss_mb: Math.round(rss.peak.worker),
      topology: stack.topology, server_rss_mb: Math.round(rss.peak.server), bench_rss_mb: Math.round(rss.peak.bench),
      pipeline_workflows_per_s: round(pipelinePerS), send_seconds: round(sent.seconds, 2), through_report_seconds: round(l.throughSeconds, 2),
      ack_max_ms: round(Math.max(...l.ack)), report_max_ms: round(Math.max(...l.report)), concurrency: args.concurrency, rate: args.rate, window: args.window,
      llm_requests: llmRequests, slack_calls: tracker.slackCalls + stack.slack.calls.length, rss_source: rssSource(stack, 'peak of 1 s samples'),
      memory_mb: memoryMb(), temporal_warnings: stack.temporalWarnings(), tuning: workerEnv(args),
      cpu_ms_per_alert: cpu, cpu_ms_per_bare_workflow: bare.cpuMsPerWorkflow, machine_busy_share: round(busy, 2),
    };
    process.stdout.write(`${table([
      ['topology', stack.topology],
      ['alerts sent / accepted (202)', `${args.count} / ${sent.accepted}`],
      ['lost / duplicates', `${l.lost} / ${l.duplicates}`],
      ['accepted per second', `${result.alerts_per_s} (${result.send_seconds} s of sending, ${args.concurrency} in flight)`],
      ['ack p50 / p95 / max', `${result.ack_p50_ms} / ${result.ack_p95_ms} / ${result.ack_max_ms} ms`],
      ['report p50 / p95 / max', `${result.report_p50_ms} / ${result.report_p95_ms} / ${result.report_max_ms} ms`],
      ['pipeline through report', `${result.pipeline_workflows_per_s} workflows/s`],
      ['bare Temporal', `${result.bare_workflows_per_s} workflows/s`],
      ['ratio to bare', result.ratio_to_bare],
      ['CPU ms per alert', cpuRow(cpu)],
      ['CPU ms per bare workflow', cpuRow(bare.cpuMsPerWorkflow)],
      ['machine busy while sending and draining', `${Math.round(busy * 100)}% of ${cores()} cores`],
      ...memoryRows(stack, 'peak', result.worker_rss_mb, result.server_rss_mb, result.bench_rss_mb),
    ])}\n`);
    return result;
  } finally {
    await stack.close();
  }
}

/** Busy CPU of the whole machine between two snapshots, as a share of all its cores over `seconds`. */
function busyShare(before: CpuSnapshot, after: CpuSnapshot, seconds: number): number {
  return (after.machine - before.machine) / (seconds * cores());
}

/** "worker 12.3, temporal 8.1, ..." largest first; `machine` (everything) last. */
function cpuRow(ms: Record<string, number>): string {
  const parts = Object.entries(ms).filter(([k]) => k !== 'machine').sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
  return ms.machine === undefined ? parts.join(', ') || 'not measured' : `${parts.join(', ')} (machine ${ms.machine})`;
}

function memoryRows(stack: BenchStack, what: string, worker: number, server: number, bench: number): [string, string][] {
  if (stack.topology === 'single-process') return [[`RSS (${what}, worker+server+bench in one process)`, `${worker} MB`]];
  return [[`worker / server / bench RSS (${what})`, `${worker} / ${server} / ${bench} MB`]];
}

export async function hold(args: BenchArgs): Promise<Record<string, unknown>> {
  // Incidents wait for a decision: proposals live 30 days, reminders every 7 days.
  const stack = await startStack(args, { APPROVAL_TTL_MS: String(30 * 86_400_000), REMINDER_INTERVAL_MS: String(7 * 86_400_000) });
  try {
    const tracker = new SlackTracker(stack.slack);
    const rss = new RssPeaks(stack);
    const { sent } = await drive(stack, tracker, { ...args, drainSeconds: Math.max(args.drainSeconds, Math.ceil(args.count / 10)) }, rss);
    const l = latencies(tracker);
    // Let the post-report work (chart, log upload, status) finish before reading memory.
    let quiet = stack.slack.calls.length;
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.sample();
      if (stack.slack.calls.length === quiet) break;
      quiet = stack.slack.calls.length;
    }
    const settled = rss.sample();
    progress(`${l.reported} incidents awaiting approval, worker rss ${Math.round(settled.worker)}MB; approving ${args.approvals}`);
    const approval = await approveSample(stack, tracker, args.approvals);
    const after = rss.sample();
    const result = {
      mode: 'hold', topology: stack.topology, incidents: l.reported, worker_rss_mb: Math.round(Math.max(settled.worker, after.worker)),
      server_rss_mb: Math.round(Math.max(settled.server, after.server)), bench_rss_mb: Math.round(Math.max(settled.bench, after.bench)),
      approval_p50_ms: round(percentile(approval.latencies, 50)), approval_p95_ms: round(percentile(approval.latencies, 95)),
      approvals: approval.latencies.length, approvals_missing: approval.missing,
      requested: args.count, lost: l.lost, duplicates: l.duplicates, alerts_per_s: round(sent.accepted / sent.seconds),
      report_p50_ms: round(percentile(l.report, 50)), report_p95_ms: round(percentile(l.report, 95)), worker_rss_peak_mb: Math.round(rss.peak.worker),
      open_seconds: round(l.throughSeconds, 1), window: args.window, memory_mb: memoryMb(), temporal_warnings: stack.temporalWarnings(),
      rss_source: rssSource(stack, 'settled after the reports and after the approvals'), tuning: workerEnv(args),
    };
    process.stdout.write(`${table([
      ['topology', stack.topology],
      ['incidents awaiting approval', `${result.incidents} of ${args.count} (lost ${result.lost}, duplicates ${result.duplicates})`],
      ['opened in', `${result.open_seconds} s (${result.alerts_per_s} alerts/s accepted)`],
      ['worker RSS settled / peak', `${result.worker_rss_mb} / ${result.worker_rss_peak_mb} MB`],
      ...(stack.topology === 'processes' ? memoryRows(stack, 'settled', result.worker_rss_mb, result.server_rss_mb, result.bench_rss_mb) : []),
      ['approval p50 / p95', `${result.approval_p50_ms} / ${result.approval_p95_ms} ms (${result.approvals} approvals, ${result.approvals_missing} without outcome)`],
    ])}\n`);
    return result;
  } finally {
    await stack.close();
  }
}

/** Runs the mode the arguments chose; resolves to the JSON object of the last stdout line. */
export async function runBench(args: BenchArgs): Promise<Record<string, unknown>> {
  return args.mode === 'hold' ? await hold(args) : await pipeline(args);
}
