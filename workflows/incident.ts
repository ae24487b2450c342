import {
  ApplicationFailure, CancellationScope, condition, isCancellation, log, patched, proxyActivities, setHandler, upsertSearchAttributes,
  workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { Diagnosis, Remediation } from '../core/diagnosis.js';
import type { Decision, IncidentStatus, RemediationOutcome } from '../core/incident.js';
import type { KubernetesFacts } from '../core/kubernetes-facts.js';
import { defaultAgentLimits, mergeDiagnosis, runAgent } from './agent.js';
import * as sa from './search-attributes.js';
import {
  alertResolvedSignal, decisionSignal, getIncidentQuery, type IncidentInput, type IncidentState,
} from './types.js';

type Activities = ReturnType<typeof createActivities>;

// Timeout profiles, named by what they guard.
const slackCall: ActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
};
const clusterRead: ActivityOptions = {
  startToCloseTimeout: '20s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 3 },
};
const clusterWrite: ActivityOptions = {
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: ['Forbidden', 'Invalid'] },
};
const storeCall: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
};
const analysis: ActivityOptions = { startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } };
/** One Messages API request; the activity's own request timeout is 60 s. Refusals and a used-up budget never retry. */
const llmTurn: ActivityOptions = {
  startToCloseTimeout: '90s',
  retry: {
    initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 4,
    nonRetryableErrorTypes: ['NotConfigured', 'LlmAuth', 'LlmRequestRefused', 'LlmBudgetExceeded'],
  },
};

const slack = proxyActivities<Activities>(slackCall);
const cluster = proxyActivities<Activities>(clusterRead);
const clusterMutation = proxyActivities<Activities>(clusterWrite);
const store = proxyActivities<Activities>(storeCall);
const metricsRead = proxyActivities<Activities>(clusterRead);
const analyser = proxyActivities<Activities>(analysis);
const llm = proxyActivities<Activities>(llmTurn);
/** The agent's read-only tools, called by the activity name `prepareAgent` routed the tool to. */
const contextTools = proxyActivities<Record<string, (input: Record<string, unknown>) => Promise<unknown>>>(clusterRead);

const DEFAULT_DECISION_TIMEOUT = '24h';
const DEFAULT_AGENT_TIMEOUT = '5m';
const CHART_WINDOW_MS = 3_600_000;
const CHART_MAX_SERIES = 5;
const INVESTIGATING = ':mag: Investigating… reading the pod, its events and its logs.';
/** Shorter log tails are quoted in the report; longer ones are also attached whole. */
const LOG_FILE_MIN_LINES = 10;

/**
 * One alert, one durable incident: post the alert, investigate, post the threaded report, wait for a person, act
 * exactly once on an authorised approval, report the outcome. Every step is an activity, so the history in the
 * Temporal UI is the audit trail.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  const { alert } = input;
  const { workflowId } = workflowInfo();
  const state: IncidentState = {
    status: 'investigating', alert, channel: alert.slack?.channel ?? input.channel, decisions: [], refused: [], outcomes: [],
  };

  const setStatus = async (status: IncidentStatus, detail: Record<string, unknown> = {}) => {
    state.status = status;
    upsertSearchAttributes([{ key: sa.IncidentStatus, value: status }]);
    await store.recordIncident({
      workflowId, teamId: input.teamId, alert, status, channel: state.channel, alertTs: state.alertTs,
      reportTs: state.reportTs, approvedBy: state.decisions.filter((d) => d.decision === 'approve').map((d) => d.userId),
      event: { type: `status.${status}`, detail },
    });
  };

  try {
    return await handleIncident(input, state, setStatus);
  } catch (err) {
    // Slack said something no retry can fix (bot not in the channel, token revoked, ...): close the incident with
    // the reason, visibly in the index and the Temporal UI, instead of leaving it open forever.
    const type = failureType(err);
    if (type !== 'SlackError' && type !== 'SlackNotInstalled') throw err;
    const reason = failureMessage(err);
    log.error('incident stopped: Slack refused a call', { reason });
    await setStatus('failed', { reason });
    throw ApplicationFailure.nonRetryable(`Incident stopped: ${reason}`, type);
  }
}

async function handleIncident(
  input: IncidentInput, state: IncidentState, setStatus: (status: IncidentStatus, detail?: Record<string, unknown>) => Promise<void>,
): Promise<IncidentState> {
  const { alert } = input;
  const { workflowId } = workflowInfo();
  const inbox: Decision[] = [];
  let resolved: { at: string } | undefined;

  setHandler(decisionSignal, (decision) => void inbox.push(decision));
  setHandler(alertResolvedSignal, (r) => void (resolved ??= r));
  setHandler(getIncidentQuery, () => state);

  await setStatus('investigating');

  // 1. The alert message everything else threads under.
  if (alert.slack) {
    state.channel = alert.slack.channel;
    state.alertTs = alert.slack.ts;
  } else {
    const posted = await slack.postAlert({ teamId: input.teamId, channel: input.channel, alert });
    state.channel = posted.channel;
    state.alertTs = posted.ts;
  }
  const where = { channel: state.channel, ts: state.alertTs };
  await slack.addReaction({ teamId: input.teamId, ...where, name: 'eyes' });

  // 2. Investigate and diagnose, with an "Investigating…" message in the thread that becomes the report.
  const showProgress = patched('investigating-message');
  const progress = showProgress
    ? await slack.postThreadMessage({ teamId: input.teamId, channel: state.channel, threadTs: state.alertTs, text: INVESTIGATING })
    : undefined;
  // Prometheus evidence, the LLM agent and dry-run previews came later: older incidents replay without them.
  const investigationV2 = patched('investigation-v2');
  const facts = investigationV2 ? await gatherFacts() : await cluster.collectKubernetesFacts({ target: alert.target });
  let diagnosis: Diagnosis = await analyser.runbookDiagnose({ alert, facts });
  if (investigationV2 && input.agent) diagnosis = await askLlm(diagnosis);
  state.diagnosis = diagnosis;
  const actionable = diagnosis.remediations.filter((r) => r.action !== 'none');
  if (investigationV2 && actionable.length) state.previews = await cluster.previewRemediations({ proposals: actionable });

  // 3. The threaded report.
  if (progress) {
    await slack.updateReport({ teamId: input.teamId, channel: state.channel, ts: progress.ts, view: view(), receivedAt: input.receivedAt });
    state.reportTs = progress.ts;
  } else {
    const report = await slack.postReport({
      teamId: input.teamId, channel: state.channel, threadTs: state.alertTs, view: view(), receivedAt: input.receivedAt,
    });
    state.reportTs = report.ts;
  }
  if (patched('upload-logs-to-thread')) await uploadLogs();
  if (alert.query && patched('metric-chart')) await chartMetric(alert.query);
  await setStatus(actionable.length ? 'awaiting_approval' : 'investigating', { category: diagnosis.category, engine: diagnosis.engine });

  // 4. Wait for people, or for the monitoring system to say it is over.
  const timeout = input.decisionTimeout ?? DEFAULT_DECISION_TIMEOUT;
  for (;;) {
    const woke = await condition(() => inbox.length > 0 || resolved !== undefined, timeout);
    if (resolved) return await closeAsResolved(resolved.at);
    if (!woke) return await expire();

    const received = inbox.shift()!;
    // A reaction names no proposal: approving means the first (recommended) one, rejecting ends them all.
    const decision = received.via === 'reaction' ? { ...received, proposalId: actionable[0]?.id ?? '' } : received;
    const proposal = actionable.find((p) => p.id === decision.proposalId);
    if (!proposal) {
      await refuse(decision, `That proposal (${decision.proposalId}) is not open on this incident.`);
      continue;
    }
    const approvers = await store.listApprovers({ teamId: input.teamId });
    if (!approvers.anyone && !approvers.userIds.includes(decision.userId)) {
      await refuse(decision, approvers.userIds.length
        ? `Only approvers can decide on remediations: ${approvers.userIds.map((u) => `<@${u}>`).join(', ')}.`
        : 'No approvers are configured. Set APPROVERS (Slack user or user-group IDs) or add approvers in Lookout\'s settings.');
      continue;
    }
    state.decisions.push(decision);
    await store.recordAudit({
      workflowId, teamId: input.teamId, type: `decision.${decision.decision}`, actor: decision.userId,
      detail: { proposalId: proposal.id, action: proposal.action, via: decision.via, at: decision.at },
    });
    if (decision.decision === 'reject') {
      return await finish('rejected', `Rejected by <@${decision.userId}>; nothing was changed.`, 'x');
    }
    upsertSearchAttributes([{ key: sa.ApprovedBy, value: [decision.userId] }]);
    return await remediate(proposal, decision);
  }

  async function remediate(proposal: Remediation, decision: Decision): Promise<IncidentState> {
    await setStatus('remediating', { proposalId: proposal.id, approvedBy: decision.userId });
    await slack.updateReport({ teamId: input.teamId, channel: state.channel!, ts: state.reportTs!, view: view('Approved: no further decisions are taken.') });
    let outcome: RemediationOutcome;
    try {
      outcome = await clusterMutation.executeRemediation({ idempotencyKey: `${workflowId}/${proposal.id}`, proposal, approvedBy: decision.userId });
    } catch (err) {
      outcome = { proposalId: proposal.id, ok: false, summary: failureMessage(err) };
    }
    state.outcomes.push(outcome);
    await slack.postThreadMessage({
      channel: state.channel!, threadTs: state.alertTs!,
      text: `${outcome.ok ? ':white_check_mark:' : ':x:'} \`${proposal.action}\` approved by <@${decision.userId}>: ${outcome.summary}`,
    });
    return outcome.ok
      ? await finish('resolved', `Remediated: ${outcome.summary}`, 'white_check_mark')
      : await finish('failed', `Remediation failed: ${outcome.summary}`, 'x');
  }

  /** Cluster and Prometheus evidence, read side by side. */
  async function gatherFacts(): Promise<KubernetesFacts> {
    const [kubernetes, prometheus] = await Promise.all([
      cluster.collectKubernetesFacts({ target: alert.target }),
      metricsRead.collectPrometheusFacts({ alert }),
    ]);
    return {
      ...kubernetes,
      prometheus: [...(kubernetes.prometheus ?? []), ...prometheus.results],
      problems: [...kubernetes.problems, ...prometheus.problems],
    };
  }

  /**
   * The LLM agent on top of the analyser: each turn and each tool call an activity. Any failure (API down, key refused,
   * the agent's time limit) leaves the analyser's diagnosis in the report, saying so.
   */
  async function askLlm(runbook: Diagnosis): Promise<Diagnosis> {
    const limits = { ...defaultAgentLimits, ...input.agent };
    const timeout = input.agent?.timeout ?? DEFAULT_AGENT_TIMEOUT;
    try {
      return await CancellationScope.withTimeout(timeout, async () => {
        const prepared = await analyser.prepareAgent({ alert, diagnosis: runbook, facts });
        const result = await runAgent(workflowId, prepared, {
          llmTurn: (turn) => llm.llmTurn(turn),
          callTool: (activity, toolInput) => contextTools[activity](toolInput),
          isBudgetExhausted: (err) => failureType(err) === 'LlmBudgetExceeded',
        }, limits);
        log.info('llm agent finished', { ...result.usage, proposals: result.proposals.length, refused: result.refusedProposals.length });
        return mergeDiagnosis(runbook, result, prepared.model);
      });
    } catch (err) {
      // The incident itself being cancelled is not the LLM's failure.
      if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
      const reason = isCancellation(err) ? `no answer within ${typeof timeout === 'number' ? `${timeout} ms` : timeout}` : failureMessage(err);
      log.warn('llm agent failed; using the runbook analyser', { reason });
      return { ...runbook, engine: { kind: 'runbook', note: `The LLM failed (${reason}); this is the runbook analyser's diagnosis.` } };
    }
  }

  /** The log tails the diagnosis quoted from, whole, as files in the thread. */
  async function uploadLogs() {
    const pod = facts.pod?.metadata?.name ?? 'pod';
    for (const excerpt of facts.logs.filter((l) => l.text.split('\n').length > LOG_FILE_MIN_LINES)) {
      const name = `${pod}-${excerpt.container}${excerpt.previous ? '-previous' : ''}.log`;
      await slack.uploadThreadFile({
        teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, filename: name, content: excerpt.text,
        title: `${excerpt.previous ? 'Previous' : 'Current'} logs of ${pod}/${excerpt.container} (last lines)`,
      });
    }
  }

  /** The alert's expression over the last hour, with the rule's threshold, as a chart in the thread. */
  async function chartMetric({ query, threshold }: { query: string; threshold?: number }) {
    const end = Date.now();
    const range = await metricsRead.prometheusMetricsQueryRange({
      query, start: new Date(end - CHART_WINDOW_MS).toISOString(), end: new Date(end).toISOString(),
    });
    if (!range.ok || !range.series.length) return;
    const series = range.series.slice(0, CHART_MAX_SERIES).map((s) => ({
      name: seriesName(s.labels),
      points: s.values.filter((p): p is [number, number] => p[1] !== null),
    }));
    await slack.uploadChart({
      teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, title: `${alert.name}: ${query}`, series, threshold,
    });
  }

  async function refuse(decision: Decision, why: string) {
    state.refused.push(decision);
    log.info('decision refused', { userId: decision.userId, proposalId: decision.proposalId });
    await store.recordAudit({
      workflowId, teamId: input.teamId, type: 'decision.refused', actor: decision.userId,
      detail: { proposalId: decision.proposalId, decision: decision.decision, via: decision.via, reason: why },
    });
    await slack.postEphemeral({ teamId: input.teamId, channel: state.channel!, user: decision.userId, threadTs: state.alertTs, text: why });
  }

  async function closeAsResolved(at: string): Promise<IncidentState> {
    await slack.postThreadMessage({ teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, text: `:white_check_mark: The alert resolved at ${at}.` });
    return await finish('resolved', 'The alert resolved; pending proposals were withdrawn.', 'white_check_mark');
  }

  async function expire(): Promise<IncidentState> {
    await slack.postThreadMessage({ teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, text: ':hourglass: No decision was made in time; the proposals have expired and nothing was changed.' });
    return await finish('rejected', 'Proposals expired without a decision.', 'hourglass');
  }

  async function finish(status: IncidentStatus, reason: string, reaction: string): Promise<IncidentState> {
    if (state.reportTs) await slack.updateReport({ teamId: input.teamId, channel: state.channel!, ts: state.reportTs, view: view(reason) });
    await slack.removeReaction({ teamId: input.teamId, ...where, name: 'eyes' });
    await slack.addReaction({ teamId: input.teamId, ...where, name: reaction });
    await setStatus(status, { reason });
    return state;
  }

  function view(closedReason?: string) {
    return {
      workflowId, alert, diagnosis: state.diagnosis!, decisions: state.decisions, outcomes: state.outcomes, closedReason,
      ...(state.previews ? { previews: state.previews } : {}),
    };
  }
}

function seriesName(labels: Record<string, string>): string {
  const keys = ['pod', 'instance', 'job', 'namespace', 'service', 'deployment'].filter((k) => labels[k]);
  return keys.length ? keys.slice(0, 2).map((k) => `${k}=${labels[k]}`).join(', ') : labels.__name__ ?? 'value';
}

function failureType(err: unknown): string | undefined {
  const cause = err instanceof ApplicationFailure ? err : err instanceof Error ? err.cause : undefined;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(err: unknown): string {
  if (err instanceof ApplicationFailure || (err instanceof Error && err.cause instanceof ApplicationFailure)) {
    const failure = err instanceof ApplicationFailure ? err : (err.cause as ApplicationFailure);
    return failure.message;
  }
  return err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
}
