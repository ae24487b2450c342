import {
  ApplicationFailure, CancellationScope, condition, getExternalWorkflowHandle, isCancellation, log, patched, proxyActivities,
  proxyLocalActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { createActivities } from '../activities/index.js';
import type { Diagnosis, Remediation } from '../core/diagnosis.js';
import type { Decision, IncidentStatus, RemediationOutcome } from '../core/incident.js';
import { chartSeries, chartWindow } from '../core/chart-series.js';
import type { KubernetesFacts } from '../core/kubernetes-facts.js';
import { defaultAgentLimits, mergeDiagnosis, runAgent } from './agent.js';
import * as sa from './search-attributes.js';
import { stormSummaryLine } from './storm-summary.js';
import {
  alertResolvedSignal, decisionSignal, getIncidentQuery, stormClosedSignal, stormMemberSignal, type IncidentInput,
  type IncidentState, type StormMember,
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
/**
 * The incident's first step (index row, alert message, :eyes:, "Investigating…"): up to two paced posts, and ahead of
 * every other activity in a backlog, so alerts show in Slack at once during an alert storm.
 */
const openCall: ActivityOptions = { ...slackCall, startToCloseTimeout: '45s', priority: { priorityKey: 1 } };
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
const analyser = proxyActivities<Activities>(analysis);
/** The analyser and the agent's preparation do no I/O: run in the worker as part of the workflow task. */
const inWorker = proxyLocalActivities<Activities>(analysis);
const opening = proxyActivities<Activities>(openCall);
/** A range query, a rendering and an upload; a chart that cannot be made is left out, the incident goes on. */
const charting = proxyActivities<Activities>({ ...slackCall, startToCloseTimeout: '30s', retry: { ...slackCall.retry, maximumAttempts: 5 } });
const llm = proxyActivities<Activities>(llmTurn);
/** The agent's read-only tools, called by the activity name `prepareAgent` routed the tool to. */
type ToolActivities = Record<string, (input: Record<string, unknown>) => Promise<unknown>>;
const contextTools = proxyActivities<ToolActivities>(clusterRead);
/**
 * Since local-reads-v1 the investigation's reads (facts, the agent's tools, dry-run previews) are local activities:
 * they change nothing, so running one again after a worker crash is harmless, and each is still a row (a marker) in
 * the Temporal UI, but none costs a task-queue round trip and a workflow task of its own.
 */
const localClusterRead = proxyLocalActivities<Activities>(clusterRead);
const localContextTools = proxyLocalActivities<ToolActivities>(clusterRead);

const DEFAULT_DECISION_TIMEOUT = '24h';
const DEFAULT_AGENT_TIMEOUT = '5m';
const DEFAULT_REMINDERS = { every: '30m', escalateAfter: 2 } as const;
const DEFAULT_VERIFY_AFTER = '2m';
const DEFAULT_STORM_WINDOW_MS = 10 * 60_000;
/** A storm's summary line is rewritten at most this often, however fast members arrive. */
const STORM_SUMMARY_EVERY = '3s';
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
  const members: StormMember[] = [];
  setHandler(stormMemberSignal, (m) => void (members.some((x) => x.workflowId === m.workflowId) || members.push(m)));

  // Since lean-start-v1 the first activity, openIncident, writes the index row along with the alert message.
  const lean = patched('lean-start-v1');
  if (lean) upsertSearchAttributes([{ key: sa.IncidentStatus, value: 'investigating' }]);
  else await setStatus('investigating');

  // Reminders, second approvers, verification and alert storms came later: older incidents replay without them.
  const humanLoop = patched('human-loop-v1');
  const stormKey = humanLoop && input.storm ? input.storm.key : undefined;
  // A storm's incidents are in the index before they join it, as every incident was before lean-start-v1.
  if (lean && stormKey) await setStatus('investigating');
  if (stormKey) {
    const role = await store.joinStorm({
      key: stormKey, workflowId, channel: input.channel, alert, windowMs: input.storm?.windowMs ?? DEFAULT_STORM_WINDOW_MS,
    });
    if (role.role === 'member') {
      const closed = await joinAsMember(role.leaderWorkflowId);
      if (closed) return closed;
    }
  }

  // 1. The alert message everything else threads under, and an "Investigating…" message in its thread that becomes
  // the report.
  const { where, progress } = lean ? await openIncident() : await legacyOpen();

  // 2. Investigate and diagnose.
  // Prometheus evidence, the LLM agent and dry-run previews came later: older incidents replay without them.
  const investigationV2 = lean || patched('investigation-v2');
  const pure = lean ? inWorker : analyser;
  // Only incidents on the lean path ask for local-reads-v1 (lean is fixed by an earlier marker in the same history).
  const reads = lean && patched('local-reads-v1')
    ? { cluster: localClusterRead, tools: localContextTools }
    : { cluster, tools: contextTools };
  const facts = investigationV2 ? await gatherFacts() : await cluster.collectKubernetesFacts({ target: alert.target });
  let diagnosis: Diagnosis = await pure.runbookDiagnose({ alert, facts });
  if (investigationV2 && input.agent) diagnosis = await askLlm(diagnosis);
  state.diagnosis = diagnosis;
  const actionable = diagnosis.remediations.filter((r) => r.action !== 'none');
  if (investigationV2 && actionable.length) state.previews = await reads.cluster.previewRemediations({ proposals: actionable });

  // 3. The threaded report.
  if (progress) {
    // Known before the buttons appear, so a click in the very next instant finds this report.
    state.reportTs = progress.ts;
    await slack.updateReport({ teamId: input.teamId, channel: where.channel, ts: progress.ts, view: view(), receivedAt: input.receivedAt });
  } else {
    const report = await slack.postReport({
      teamId: input.teamId, channel: where.channel, threadTs: where.ts, view: view(), receivedAt: input.receivedAt,
    });
    state.reportTs = report.ts;
  }
  if (lean) {
    // Log files and the chart side by side: each its own activity, none waiting for another.
    await Promise.all([uploadLogs(), alert.query && charting.chartMetric({
      teamId: input.teamId, channel: where.channel, threadTs: where.ts, title: `${alert.name}: ${alert.query.query}`, ...alert.query,
    }).catch((err: unknown) => log.warn('no metric chart: it could not be read or uploaded', { error: failureMessage(err) }))]);
  } else {
    if (patched('upload-logs-to-thread')) await uploadLogs();
    if (alert.query && patched('metric-chart')) await legacyChart(alert.query);
  }
  await setStatus(actionable.length ? 'awaiting_approval' : 'investigating', { category: diagnosis.category, engine: diagnosis.engine });

  if (stormKey) void keepStormSummary();

  // 4. Wait for people, or for the monitoring system to say it is over.
  const timeout = input.decisionTimeout ?? DEFAULT_DECISION_TIMEOUT;
  const reminders = { ...DEFAULT_REMINDERS, ...input.reminders };
  const open = [...actionable];
  /** Approvals so far of proposals that need a second approver. */
  const approvals = new Map<string, string[]>();
  /** Ids of the decisions taken so far (Decision.id). */
  const seenDecisions = new Set<string>();
  const deadline = Date.now() + msToNumber(timeout);
  let reminded = 0;
  for (;;) {
    // Before human-loop-v1 each wait was the whole decision timeout, with no reminders.
    const left = deadline - Date.now();
    if (humanLoop && left <= 0) return await expire();
    const wait = humanLoop ? Math.min(msToNumber(reminders.every), left) : timeout;
    const woke = await condition(() => inbox.length > 0 || resolved !== undefined, wait);
    if (resolved) return await closeAsResolved(resolved.at);
    if (!woke) {
      if (!humanLoop || Date.now() >= deadline) return await expire();
      reminded += 1;
      await remind(reminded, reminded === reminders.escalateAfter);
      continue;
    }

    const received = inbox.shift()!;
    // The same Slack action delivered twice is one decision (decision-ids-v1; earlier histories took every copy).
    if (received.id !== undefined && seenDecisions.has(received.id) && patched('decision-ids-v1')) continue;
    if (received.id !== undefined) seenDecisions.add(received.id);
    if (received.report && (received.report.channel !== state.channel || received.report.ts !== state.reportTs)) {
      await refuse(received, 'That button is not on this incident\'s report; nothing was changed.');
      continue;
    }
    // A reaction names no proposal: approving means the first (recommended) one, rejecting ends them all.
    const decision = received.via === 'reaction' ? { ...received, proposalId: open[0]?.id ?? '' } : received;
    const proposal = open.find((p) => p.id === decision.proposalId);
    if (!proposal) {
      await refuse(decision, `That proposal (${decision.proposalId}) is not open on this incident.`);
      continue;
    }
    const verdict = humanLoop
      ? await store.authorizeDecision({
        teamId: input.teamId, userId: decision.userId, proposal, approvedBy: approvals.get(proposal.id) ?? [], decision: decision.decision,
      })
      : await legacyAuthorize(decision.userId);
    if (!verdict.allowed) {
      await refuse(decision, verdict.reason);
      continue;
    }
    state.decisions.push(decision);
    await store.recordAudit({
      workflowId, teamId: input.teamId, type: `decision.${decision.decision}`, actor: decision.userId,
      action: proposal.action, target: targetText(proposal), outcome: decision.decision === 'reject' ? 'rejected' : 'approved',
      detail: { proposalId: proposal.id, action: proposal.action, via: decision.via, at: decision.at, decisionId: decision.id },
    });
    if (decision.decision === 'reject') {
      return await finish('rejected', `Rejected by <@${decision.userId}>; nothing was changed.`, 'x');
    }
    if (verdict.needsAnotherApprover) {
      approvals.set(proposal.id, [...(approvals.get(proposal.id) ?? []), decision.userId]);
      state.awaitingSecondApproval = [...approvals.keys()];
      await slack.updateReport({ teamId: input.teamId, channel: state.channel!, ts: state.reportTs!, view: view() });
      await slack.postThreadMessage({
        teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!,
        text: `:raised_hand: <@${decision.userId}> approved \`${proposal.action}\`. It is destructive, so a second approver must approve it too: ${verdict.approvers.join(', ')}.`,
      });
      continue;
    }
    upsertSearchAttributes([{ key: sa.ApprovedBy, value: [...new Set([...(approvals.get(proposal.id) ?? []), decision.userId])] }]);
    const done = await remediate(proposal, decision);
    if (done) return done;
    // Not fixed: the other proposals are open again.
    open.splice(open.indexOf(proposal), 1);
    state.awaitingSecondApproval = undefined;
    await setStatus('awaiting_approval', { reopened: true, remaining: open.map((p) => p.id) });
  }

  async function openIncident() {
    const opened = await opening.openIncident({
      workflowId, teamId: input.teamId, channel: input.channel, alert, investigating: INVESTIGATING, indexed: Boolean(stormKey),
    });
    state.channel = opened.channel;
    state.alertTs = opened.alertTs;
    return { where: { channel: opened.channel, ts: opened.alertTs }, progress: { ts: opened.progressTs } };
  }

  /** The first steps before lean-start-v1, one activity each. */
  async function legacyOpen() {
    const where = alert.slack ?? await slack.postAlert({ teamId: input.teamId, channel: input.channel, alert });
    state.channel = where.channel;
    state.alertTs = where.ts;
    await slack.addReaction({ teamId: input.teamId, ...where, name: 'eyes' });
    const progress = patched('investigating-message')
      ? await slack.postThreadMessage({ teamId: input.teamId, channel: where.channel, threadTs: where.ts, text: INVESTIGATING })
      : undefined;
    return { where, progress };
  }

  /** The checks before human-loop-v1: the approver list alone. */
  async function legacyAuthorize(userId: string): Promise<{ allowed: true; needsAnotherApprover: false } | { allowed: false; reason: string }> {
    const approvers = await store.listApprovers({ teamId: input.teamId });
    if (approvers.anyone || approvers.userIds.includes(userId)) return { allowed: true, needsAnotherApprover: false };
    return {
      allowed: false,
      reason: approvers.userIds.length
        ? `Only approvers can decide on remediations: ${approvers.userIds.map((u) => `<@${u}>`).join(', ')}.`
        : 'No approvers are configured. Set APPROVERS (Slack user or user-group IDs) or add approvers in Lookout\'s settings.',
    };
  }

  /**
   * Runs an approved proposal once, reports it, and (human-loop-v1) checks after a while that it worked. Returns the
   * final state when the incident is over, or undefined when the fix did not work and other proposals remain.
   */
  async function remediate(proposal: Remediation, decision: Decision): Promise<IncidentState | undefined> {
    await setStatus('remediating', { proposalId: proposal.id, approvedBy: decision.userId });
    await slack.updateReport({ teamId: input.teamId, channel: state.channel!, ts: state.reportTs!, view: view('Approved: no further decisions are taken.') });
    const baseline = humanLoop ? await cluster.restartBaseline({ proposal }) : undefined;
    let outcome: RemediationOutcome;
    try {
      outcome = await clusterMutation.executeRemediation({ idempotencyKey: `${workflowId}/${proposal.id}`, proposal, approvedBy: decision.userId });
    } catch (err) {
      outcome = { proposalId: proposal.id, ok: false, summary: failureMessage(err) };
    }
    state.outcomes.push(outcome);
    if (humanLoop) {
      await store.recordAudit({
        workflowId, teamId: input.teamId, type: 'remediation.executed', actor: decision.userId, action: proposal.action,
        target: targetText(proposal), outcome: outcome.ok ? (outcome.alreadyDone ? 'already_done' : 'applied') : 'failed',
        detail: { proposalId: proposal.id, summary: outcome.summary },
      });
    }
    await slack.postThreadMessage({
      teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!,
      text: `${outcome.ok ? ':white_check_mark:' : ':x:'} \`${proposal.action}\` approved by <@${decision.userId}>: ${outcome.summary}`,
    });
    if (!outcome.ok) return await finish('failed', `Remediation failed: ${outcome.summary}`, 'x');
    if (!humanLoop || input.verifyAfter === 0) return await finish('resolved', `Remediated: ${outcome.summary}`, 'white_check_mark');

    // Verification: give the fix time to take, then look again. The alert resolving meanwhile is proof enough.
    const resolvedMeanwhile = await condition(() => resolved !== undefined, input.verifyAfter ?? DEFAULT_VERIFY_AFTER);
    const check = resolvedMeanwhile
      ? { fixed: true, evidence: [`The alert resolved at ${resolved!.at}.`] }
      : await cluster.verifyRemediation({ proposal, alert, baseline });
    await store.recordAudit({
      workflowId, teamId: input.teamId, type: 'remediation.verified', action: proposal.action, target: targetText(proposal),
      outcome: check.fixed ? 'fixed' : 'not_fixed', detail: { proposalId: proposal.id, evidence: check.evidence },
    });
    const evidence = check.evidence.map((e) => `• ${e}`).join('\n');
    if (check.fixed) {
      await slack.postThreadMessage({ teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, text: `:white_check_mark: Verified fixed.\n${evidence}` });
      return await finish('resolved', `Remediated and verified: ${outcome.summary}`, 'white_check_mark');
    }
    const others = open.filter((p) => p.id !== proposal.id);
    await slack.postThreadMessage({
      teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!,
      text: `:warning: Not fixed: ${proposal.action} ran, but the problem remains.\n${evidence}${others.length ? '\nThe other proposals are open for a decision again.' : ''}`,
    });
    if (!others.length) return await finish('failed', `Remediated but not fixed: ${check.evidence[0] ?? 'the checks failed'}`, 'x');
    await slack.updateReport({ teamId: input.teamId, channel: state.channel!, ts: state.reportTs!, view: view() });
    return undefined;
  }

  /** A nudge in the thread; at the escalation point, a direct message to each approver too. */
  async function remind(n: number, escalate: boolean) {
    const approvers = await store.listApprovers({ teamId: input.teamId });
    const people = approvers.userIds.map((u) => (u.startsWith('S') ? `<!subteam^${u}>` : `<@${u}>`));
    await slack.postThreadMessage({
      teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!,
      text: `:bell: Reminder ${n}: this incident is waiting for a decision${people.length ? ` from ${people.join(', ')}` : ''}.`,
    });
    await store.recordAudit({ workflowId, teamId: input.teamId, type: 'reminder.sent', outcome: escalate ? 'escalated' : 'reminded', detail: { n } });
    if (!escalate) return;
    for (const user of approvers.userIds.filter((u) => /^[UW]/.test(u))) {
      await slack.postChannelMessage({
        teamId: input.teamId, channel: user,
        text: `:rotating_light: Escalation: *${alert.name}* (${alert.severity}) in <#${state.channel}> has waited through ${n} reminders for an approver. Open its thread to approve or reject.`,
      });
    }
  }

  /** The leader keeps its alert message's storm summary current, at most every few seconds. */
  async function keepStormSummary() {
    let shown = 0;
    while (!state.closed) {
      await condition(() => members.length !== shown || Boolean(state.closed));
      if (state.closed) break;
      await sleep(STORM_SUMMARY_EVERY);
      shown = members.length;
      await slack.updateAlert({ teamId: input.teamId, channel: state.channel!, ts: state.alertTs!, alert, note: stormSummaryLine(alert, members) });
      state.stormMembers = members.length;
    }
  }

  /**
   * One alert of a storm: recorded, told to the leader, and closed when the leader's incident closes. Undefined when
   * the leader finished in the meantime: this alert then becomes an incident of its own.
   */
  async function joinAsMember(leaderWorkflowId: string): Promise<IncidentState | undefined> {
    let closedBy: { status: IncidentStatus; reason: string } | undefined;
    setHandler(stormClosedSignal, (c) => void (closedBy ??= c));
    try {
      await getExternalWorkflowHandle(leaderWorkflowId).signal(stormMemberSignal, { workflowId, alert });
    } catch (err) {
      log.info('storm leader already finished; handling the alert alone', { leaderWorkflowId, error: String(err) });
      return undefined;
    }
    state.stormLeader = leaderWorkflowId;
    await setStatus('investigating', { stormLeader: leaderWorkflowId });
    await condition(() => closedBy !== undefined || resolved !== undefined, input.decisionTimeout ?? DEFAULT_DECISION_TIMEOUT);
    const [status, reason] = resolved ? ['resolved' as const, `The alert resolved at ${resolved.at}.`]
      : closedBy ? [closedBy.status, `Closed with its storm's incident ${leaderWorkflowId}: ${closedBy.reason}`]
        : ['rejected' as const, 'No decision was made in time.'];
    await setStatus(status, { reason, stormLeader: leaderWorkflowId });
    return state;
  }

  /** Cluster and Prometheus evidence, read side by side. */
  async function gatherFacts(): Promise<KubernetesFacts> {
    const [kubernetes, prometheus] = await Promise.all([
      reads.cluster.collectKubernetesFacts({ target: alert.target }),
      reads.cluster.collectPrometheusFacts({ alert }),
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
        const prepared = await pure.prepareAgent({ alert, diagnosis: runbook, facts });
        const result = await runAgent(workflowId, prepared, {
          llmTurn: (turn) => llm.llmTurn(turn),
          callTool: (activity, toolInput) => reads.tools[activity](toolInput),
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
    const uploads = facts.logs.filter((l) => l.text.split('\n').length > LOG_FILE_MIN_LINES).map((excerpt) => () => slack.uploadThreadFile({
      teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, content: excerpt.text,
      filename: `${pod}-${excerpt.container}${excerpt.previous ? '-previous' : ''}.log`,
      title: `${excerpt.previous ? 'Previous' : 'Current'} logs of ${pod}/${excerpt.container} (last lines)`,
    }));
    if (lean) await Promise.all(uploads.map((upload) => upload()));
    else for (const upload of uploads) await upload();
  }

  /** The chart before lean-start-v1: the range read and the upload as two activities. */
  async function legacyChart({ query, threshold }: { query: string; threshold?: number }) {
    const range = await cluster.prometheusMetricsQueryRange({ query, ...chartWindow(Date.now()) });
    if (!range.ok || !range.series.length) return;
    await slack.uploadChart({
      teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, title: `${alert.name}: ${query}`, series: chartSeries(range.series), threshold,
    });
  }

  async function refuse(decision: Decision, why: string) {
    state.refused.push(decision);
    log.info('decision refused', { userId: decision.userId, proposalId: decision.proposalId });
    await store.recordAudit({
      workflowId, teamId: input.teamId, type: 'decision.refused', actor: decision.userId, outcome: 'refused',
      detail: { proposalId: decision.proposalId, decision: decision.decision, via: decision.via, reason: why, decisionId: decision.id },
    });
    await slack.postEphemeral({ teamId: input.teamId, channel: state.channel!, user: decision.userId, threadTs: state.alertTs, text: why });
  }

  async function closeAsResolved(at: string): Promise<IncidentState> {
    await slack.postThreadMessage({ teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, text: `:white_check_mark: The alert resolved at ${at}.` });
    return await finish('resolved', 'The alert resolved; pending proposals were withdrawn.', 'white_check_mark');
  }

  async function expire(): Promise<IncidentState> {
    await slack.postThreadMessage({ teamId: input.teamId, channel: state.channel!, threadTs: state.alertTs!, text: ':hourglass: No decision was made in time; the proposals have expired and nothing was changed.' });
    if (humanLoop) await store.recordAudit({ workflowId, teamId: input.teamId, type: 'proposals.expired', outcome: 'expired' });
    return await finish('rejected', 'Proposals expired without a decision.', 'hourglass');
  }

  async function finish(status: IncidentStatus, reason: string, reaction: string): Promise<IncidentState> {
    state.closed = true;
    state.awaitingSecondApproval = undefined;
    if (state.reportTs) await slack.updateReport({ teamId: input.teamId, channel: state.channel!, ts: state.reportTs, view: view(reason) });
    await slack.removeReaction({ teamId: input.teamId, ...where, name: 'eyes' });
    await slack.addReaction({ teamId: input.teamId, ...where, name: reaction });
    await setStatus(status, { reason });
    if (stormKey) {
      await store.closeStorm({ key: stormKey, leaderWorkflowId: workflowId });
      // Members are told after the storm is closed, so a late member opens a new storm rather than joining this one.
      await Promise.all(members.map((m) => getExternalWorkflowHandle(m.workflowId).signal(stormClosedSignal, { status, reason })
        .catch((err: unknown) => log.warn('storm member already gone', { member: m.workflowId, error: String(err) }))));
    }
    return state;
  }

  function view(closedReason?: string) {
    return {
      workflowId, alert, diagnosis: state.diagnosis!, decisions: state.decisions, outcomes: state.outcomes, closedReason,
      ...(state.previews ? { previews: state.previews } : {}),
      ...(state.awaitingSecondApproval?.length ? { awaitingSecondApproval: state.awaitingSecondApproval } : {}),
    };
  }
}

function targetText(p: Remediation): string {
  return p.target.kind === 'None' ? 'none' : `${p.target.kind}/${p.target.namespace ?? ''}/${p.target.name ?? ''}`;
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
