import type { WorkerOptions } from '@temporalio/worker';
import type { BenchArgs } from './args.js';
import { runBare } from './bare.js';
import { approveSample } from './hold.js';
import { sendAlerts } from './send.js';
import { startBenchStack, type BenchStack } from './stack.js';
import { memoryMb, percentile, round, rssMb, table } from './stats.js';
import { SlackTracker } from './tracker.js';

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function tuningFrom(args: BenchArgs): Partial<WorkerOptions> {
  return {
    ...(args.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: args.maxCachedWorkflows } : {}),
    ...(args.maxConcurrentActivities !== undefined ? { maxConcurrentActivityTaskExecutions: args.maxConcurrentActivities } : {}),
    ...(args.maxConcurrentWorkflowTasks !== undefined ? { maxConcurrentWorkflowTaskExecutions: args.maxConcurrentWorkflowTasks } : {}),
  };
}

/** Sends the alerts, printing a progress line a second, then waits (bounded) for every accepted alert's report. */
async function drive(stack: BenchStack, tracker: SlackTracker, args: BenchArgs) {
  let peakRss = rssMb();
  const started = Date.now();
  let sending = true;
  let llmRequests = 0;
  const tick = () => {
    tracker.scan();
    // The Messages API server records every request body (tools, prompts): harness memory, counted and dropped.
    llmRequests += stack.llm.requests.splice(0).length;
    peakRss = Math.max(peakRss, rssMb());
    const { accepted, acked, reported } = tracker.counts();
    const sent = tracker.records.filter(Boolean).length;
    progress(`${((Date.now() - started) / 1000).toFixed(1)}s sent ${sent}/${args.count} accepted ${accepted} acked ${acked} reported ${reported} rss ${Math.round(rssMb())}MB`);
    return { accepted, reported };
  };
  const timer = setInterval(() => { if (sending) tick(); }, 1000);
  const sent = await sendAlerts({ url: stack.server.url, tracker, count: args.count, concurrency: args.concurrency, rate: args.rate });
  sending = false;
  clearInterval(timer);
  const deadline = Date.now() + args.drainSeconds * 1000;
  for (;;) {
    const { accepted, reported } = tick();
    if (reported >= accepted || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  tracker.scan();
  llmRequests += stack.llm.requests.splice(0).length;
  return { sent, peakRss: Math.max(peakRss, rssMb()), llmRequests };
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
  const tuning = tuningFrom(args);
  progress(`starting the stack (tuning ${JSON.stringify(tuning)})`);
  const stack = await startBenchStack({ tuning });
  try {
    const tracker = new SlackTracker(stack.slack);
    const { sent, peakRss, llmRequests } = await drive(stack, tracker, args);
    const l = latencies(tracker);
    const pipelinePerS = l.reported / l.throughSeconds;
    let bare = { perSecond: NaN, seconds: NaN };
    if (!args.skipBare) {
      progress(`bare Temporal: ${args.count} workflows of one no-op activity`);
      bare = await runBare({ address: stack.temporalAddress, namespace: stack.config.temporal.namespace, workflows: args.count, concurrency: args.concurrency, tuning });
    }
    const result = {
      alerts: args.count, lost: l.lost, duplicates: l.duplicates, alerts_per_s: round(sent.accepted / sent.seconds),
      ack_p50_ms: round(percentile(l.ack, 50)), ack_p95_ms: round(percentile(l.ack, 95)),
      report_p50_ms: round(percentile(l.report, 50)), report_p95_ms: round(percentile(l.report, 95)),
      bare_workflows_per_s: round(bare.perSecond), ratio_to_bare: round(pipelinePerS / bare.perSecond, 3), worker_rss_mb: Math.round(peakRss),
      pipeline_workflows_per_s: round(pipelinePerS), send_seconds: round(sent.seconds, 2), through_report_seconds: round(l.throughSeconds, 2),
      ack_max_ms: round(Math.max(...l.ack)), report_max_ms: round(Math.max(...l.report)), concurrency: args.concurrency, rate: args.rate,
      llm_requests: llmRequests, slack_calls: tracker.slackCalls + stack.slack.calls.length, rss_source: 'process.memoryUsage().rss, peak, worker+server in one process',
      memory_mb: memoryMb(), temporal_warnings: Object.fromEntries(stack.temporalWarnings), tuning,
    };
    process.stdout.write(`${table([
      ['alerts sent / accepted (202)', `${args.count} / ${sent.accepted}`],
      ['lost / duplicates', `${l.lost} / ${l.duplicates}`],
      ['accepted per second', `${result.alerts_per_s} (${result.send_seconds} s of sending, ${args.concurrency} in flight)`],
      ['ack p50 / p95 / max', `${result.ack_p50_ms} / ${result.ack_p95_ms} / ${result.ack_max_ms} ms`],
      ['report p50 / p95 / max', `${result.report_p50_ms} / ${result.report_p95_ms} / ${result.report_max_ms} ms`],
      ['pipeline through report', `${result.pipeline_workflows_per_s} workflows/s`],
      ['bare Temporal', `${result.bare_workflows_per_s} workflows/s`],
      ['ratio to bare', result.ratio_to_bare],
      ['worker RSS (peak, in-process)', `${result.worker_rss_mb} MB`],
    ])}\n`);
    return result;
  } finally {
    await stack.close();
  }
}

export async function hold(args: BenchArgs): Promise<Record<string, unknown>> {
  const tuning = tuningFrom(args);
  progress(`starting the stack (tuning ${JSON.stringify(tuning)})`);
  // Incidents wait for a decision: proposals live 30 days, reminders every 7 days.
  const stack = await startBenchStack({ tuning, env: { APPROVAL_TTL_MS: String(30 * 86_400_000), REMINDER_INTERVAL_MS: String(7 * 86_400_000) } });
  try {
    const tracker = new SlackTracker(stack.slack);
    const { sent, peakRss } = await drive(stack, tracker, { ...args, drainSeconds: Math.max(args.drainSeconds, Math.ceil(args.count / 10)) });
    const l = latencies(tracker);
    // Let the post-report work (chart, log upload, status) finish before reading memory.
    let quiet = stack.slack.calls.length;
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      if (stack.slack.calls.length === quiet) break;
      quiet = stack.slack.calls.length;
    }
    const rssSettled = rssMb();
    progress(`${l.reported} incidents awaiting approval, rss ${Math.round(rssSettled)}MB; approving ${args.approvals}`);
    const approval = await approveSample(stack, tracker, args.approvals);
    const result = {
      mode: 'hold', incidents: l.reported, worker_rss_mb: Math.round(Math.max(rssSettled, rssMb())),
      approval_p50_ms: round(percentile(approval.latencies, 50)), approval_p95_ms: round(percentile(approval.latencies, 95)),
      approvals: approval.latencies.length, approvals_missing: approval.missing,
      requested: args.count, lost: l.lost, duplicates: l.duplicates, alerts_per_s: round(sent.accepted / sent.seconds),
      report_p50_ms: round(percentile(l.report, 50)), report_p95_ms: round(percentile(l.report, 95)), worker_rss_peak_mb: Math.round(peakRss),
      open_seconds: round(l.throughSeconds, 1), memory_mb: memoryMb(), temporal_warnings: Object.fromEntries(stack.temporalWarnings), rss_source: 'process.memoryUsage().rss, worker+server in one process', tuning,
    };
    process.stdout.write(`${table([
      ['incidents awaiting approval', `${result.incidents} of ${args.count} (lost ${result.lost}, duplicates ${result.duplicates})`],
      ['opened in', `${result.open_seconds} s (${result.alerts_per_s} alerts/s accepted)`],
      ['worker RSS settled / peak', `${result.worker_rss_mb} / ${result.worker_rss_peak_mb} MB`],
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
