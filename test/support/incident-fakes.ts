import type { createActivities } from '../../activities/index.js';
import { createAnalysisActivities } from '../../activities/analysis.js';
import { createMetricChartActivity } from '../../activities/metric-chart.js';
import { createOpenIncidentActivity } from '../../activities/open-incident.js';
import type { RemediationOutcome } from '../../core/incident.js';
import { crashLoopFacts } from '../fixtures/alerts.js';

type Activities = ReturnType<typeof createActivities>;

/** Activities that record what the workflow asked for, with the real runbook analyser. */
export function fakeActivities(opts: { approvers?: string[]; remediation?: (n: number) => Promise<RemediationOutcome> } = {}) {
  const calls: { name: string; input: any }[] = [];
  let remediations = 0;
  let ts = 1000;
  const record = (name: string, result?: (input: any) => unknown) => async (input: any) => {
    calls.push({ name, input });
    return result?.(input);
  };
  // Only what the incident workflow calls; a call to anything else fails the test loudly.
  const activities: Partial<Activities> = {
    postAlert: record('postAlert', (i) => ({ channel: i.channel, ts: `${ts++}.000100` })) as Activities['postAlert'],
    postReport: record('postReport', () => ({ ts: `${ts++}.000200` })) as Activities['postReport'],
    updateReport: record('updateReport') as Activities['updateReport'],
    postThreadMessage: record('postThreadMessage', () => ({ ts: `${ts++}.000300` })) as Activities['postThreadMessage'],
    postChannelMessage: record('postChannelMessage', () => ({ ts: `${ts++}.000400` })) as Activities['postChannelMessage'],
    uploadThreadFile: record('uploadThreadFile') as Activities['uploadThreadFile'],
    uploadChart: record('uploadChart') as Activities['uploadChart'],
    prometheusMetricsQuery: record('prometheusMetricsQuery', () => ({ ok: true, resultType: 'vector', series: [] })) as Activities['prometheusMetricsQuery'],
    prometheusMetricsQueryRange: record('prometheusMetricsQueryRange', () => ({
      ok: true, resultType: 'matrix', series: [{ labels: { pod: 'cart-7d9f8b6c5-x2k4p', namespace: 'shop' }, values: [[1795240000, 1], [1795240060, 4], [1795240120, null]] }],
    })) as Activities['prometheusMetricsQueryRange'],
    postEphemeral: record('postEphemeral') as Activities['postEphemeral'],
    addReaction: record('addReaction') as Activities['addReaction'],
    removeReaction: record('removeReaction') as Activities['removeReaction'],
    collectKubernetesFacts: record('collectKubernetesFacts', () => crashLoopFacts()) as Activities['collectKubernetesFacts'],
    collectPrometheusFacts: record('collectPrometheusFacts', () => ({ results: [], problems: ['Prometheus is not configured (set PROMETHEUS_URL)'] })) as Activities['collectPrometheusFacts'],
    previewRemediations: record('previewRemediations', (i) => Object.fromEntries(i.proposals.map((p: any) => [p.id, { ok: true, text: `would ${p.action} (dry run accepted)` }]))) as Activities['previewRemediations'],
    runbookDiagnose: createAnalysisActivities().runbookDiagnose,
    recordIncident: record('recordIncident') as Activities['recordIncident'],
    recordAudit: record('recordAudit') as Activities['recordAudit'],
    findIncidentMessages: record('findIncidentMessages') as Activities['findIncidentMessages'],
    noteIncidentMessages: record('noteIncidentMessages') as Activities['noteIncidentMessages'],
    listApprovers: record('listApprovers', () => ({ anyone: false, userIds: opts.approvers ?? ['U0ALICE'] })) as Activities['listApprovers'],
    // The approver list alone (activities/authorize.ts, tested on its own, adds user groups and policy).
    authorizeDecision: record('authorizeDecision', (i) => {
      const approvers = opts.approvers ?? ['U0ALICE'];
      const mentions = approvers.map((u) => `<@${u}>`);
      if (approvers.includes(i.userId)) return { allowed: true, needsAnotherApprover: false, approvers: mentions };
      return {
        allowed: false, approvers: mentions,
        reason: approvers.length ? `Only approvers can decide on remediations: ${mentions.join(', ')}.` : 'No approvers are configured. Set APPROVERS or add approvers in Lookout\'s settings.',
      };
    }) as Activities['authorizeDecision'],
    restartBaseline: record('restartBaseline', () => ({ restarts: {} })) as Activities['restartBaseline'],
    verifyRemediation: record('verifyRemediation', () => ({ fixed: true, evidence: ['cart-7d9f8b6c5-x2k4p: Ready, 0 restarts since the fix'] })) as Activities['verifyRemediation'],
    executeRemediation: (async (input) => {
      calls.push({ name: 'executeRemediation', input });
      remediations += 1;
      return opts.remediation ? opts.remediation(remediations) : { proposalId: input.proposal.id, ok: true, summary: 'Deleted pod shop/cart-7d9f8b6c5-x2k4p' };
    }) as Activities['executeRemediation'],
  };
  // The real composition over the recording parts, so tests see the index row, alert, reaction and thread message.
  activities.openIncident = createOpenIncidentActivity(activities as Activities).openIncident;
  activities.chartMetric = createMetricChartActivity(activities as Activities).chartMetric;
  return { activities, calls, remediationCount: () => remediations, named: (n: string) => calls.filter((c) => c.name === n) };
}

