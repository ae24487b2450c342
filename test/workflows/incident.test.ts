import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities/index.js';
import type { Decision } from '../../core/incident.js';
import { createMetrics } from '../../core/metrics.js';
import { createIncidentGateway } from '../../server/incidents.js';
import { getIncidentQuery, type IncidentState } from '../../workflows/types.js';
import { crashLoopAlert, crashLoopFacts } from '../fixtures/alerts.js';
import { fakeActivities } from '../support/incident-fakes.js';
import { connectTemporal, unique, workflowBundle } from '../support/temporal.js';

type Activities = ReturnType<typeof createActivities>;

let temporal: Awaited<ReturnType<typeof connectTemporal>>;
beforeAll(async () => { temporal = await connectTemporal(); });
afterAll(async () => { await temporal.close(); });

async function withIncident(
  fakes: ReturnType<typeof fakeActivities>,
  body: (ctx: { workflowId: string; decide: (d: Partial<Decision>) => Promise<void> }) => Promise<void>,
  alert = crashLoopAlert(),
  extra: { decisionTimeout?: string } = {},
) {
  const taskQueue = unique('incident-wf');
  const worker = await Worker.create({
    connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fakes.activities,
  });
  const gateway = createIncidentGateway(temporal.client, {
    taskQueue, metrics: createMetrics(),
    waiting: { reminderEveryMs: 3_600_000, escalateAfterReminders: 2, approvalTtlMs: 86_400_000, verifyAfterMs: 0, stormWindowMs: 0 },
  });
  await worker.runUntil(async () => {
    if (extra.decisionTimeout) {
      await temporal.client.workflow.start('incidentWorkflow', {
        taskQueue, workflowId: `incident-${alert.key}`, args: [{ alert, channel: 'C0ALERTS', decisionTimeout: extra.decisionTimeout }],
      });
    } else {
      await gateway.open(alert, { channel: 'C0ALERTS' });
    }
    const workflowId = `incident-${alert.key}`;
    const decide = async (d: Partial<Decision>) => {
      await gateway.decide(workflowId, { proposalId: 'p1', decision: 'approve', userId: 'U0ALICE', at: new Date().toISOString(), via: 'button', ...d });
    };
    await body({ workflowId, decide });
  });
}

async function awaitingDecision(workflowId: string): Promise<IncidentState> {
  const handle = temporal.client.workflow.getHandle(workflowId);
  for (let i = 0; i < 200; i += 1) {
    const state = await handle.query(getIncidentQuery);
    if (state.status === 'awaiting_approval') return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('incident never reached awaiting_approval');
}

const result = (workflowId: string) => temporal.client.workflow.getHandle(workflowId).result() as Promise<IncidentState>;

test('an approver\'s approval runs the recommended remediation once and reports it in the thread', async () => {
  const fakes = fakeActivities();
  await withIncident(fakes, async ({ workflowId, decide }) => {
    const waiting = await awaitingDecision(workflowId);
    expect(waiting.diagnosis?.category).toBe('CrashLoopBackOff');
    expect(waiting.diagnosis?.remediations[0]).toMatchObject({ id: 'p1', action: 'pods_delete', target: { name: 'cart-7d9f8b6c5-x2k4p', uid: '3f1c2a9e-0b7d-4c1e-9a55-1d2e3f4a5b6c' } });
    await decide({});
    const final = await result(workflowId);
    expect(final.status).toBe('resolved');
    expect(fakes.remediationCount()).toBe(1);
    expect(fakes.named('executeRemediation')[0].input).toMatchObject({ idempotencyKey: `${workflowId}/p1`, approvedBy: 'U0ALICE' });
    const thread = fakes.named('postThreadMessage').map((c) => c.input);
    expect(thread.at(-1)).toMatchObject({ channel: 'C0ALERTS', threadTs: '1000.000100' });
    expect(thread.at(-1).text).toContain('approved by <@U0ALICE>');
    // The report is threaded under the alert; eyes is swapped for a check mark when done.
    // "Investigating…" appears in the alert's thread at once and becomes the report in place.
    expect(thread[0]).toMatchObject({ channel: 'C0ALERTS', threadTs: '1000.000100', text: expect.stringContaining('Investigating') });
    expect(fakes.named('updateReport')[0].input).toMatchObject({ channel: 'C0ALERTS', ts: '1001.000300', view: { diagnosis: { category: 'CrashLoopBackOff' } } });
    expect(fakes.named('postReport')).toHaveLength(0);
    expect(fakes.named('removeReaction').map((c) => c.input.name)).toEqual(['eyes']);
    expect(fakes.named('addReaction').map((c) => c.input.name)).toEqual(['eyes', 'white_check_mark']);
    expect(fakes.named('recordIncident').map((c) => c.input.status)).toEqual(['investigating', 'awaiting_approval', 'remediating', 'resolved']);
    if (process.env.RECORD_HISTORIES) await saveHistory(workflowId, 'incident-approved');
  });
});

test('long log tails are attached to the thread as files; short ones only quoted', async () => {
  const fakes = fakeActivities();
  const longLog = Array.from({ length: 40 }, (_, i) => `line ${i}: retrying redis`).join('\n');
  fakes.activities.collectKubernetesFacts = (async () => {
    const facts = crashLoopFacts();
    facts.logs = [{ container: 'cart', previous: true, text: longLog }, { container: 'cart', previous: false, text: 'starting\n' }];
    return facts;
  }) as Activities['collectKubernetesFacts'];
  await withIncident(fakes, async ({ workflowId }) => {
    await awaitingDecision(workflowId);
    expect(fakes.named('uploadThreadFile').map((c) => c.input)).toEqual([expect.objectContaining({
      channel: 'C0ALERTS', threadTs: '1000.000100', filename: 'cart-7d9f8b6c5-x2k4p-cart-previous.log', content: longLog,
    })]);
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  });
});

test('the alert\'s metric over the last hour is charted in the thread with the rule\'s threshold', async () => {
  const fakes = fakeActivities();
  const alert = crashLoopAlert({ query: { query: 'increase(kube_pod_container_status_restarts_total{pod="cart-7d9f8b6c5-x2k4p"}[10m])', threshold: 3 } });
  await withIncident(fakes, async ({ workflowId }) => {
    await awaitingDecision(workflowId);
    const [range] = fakes.named('prometheusMetricsQueryRange').map((c) => c.input);
    expect(range.query).toBe(alert.query!.query);
    expect(Date.parse(range.end) - Date.parse(range.start)).toBe(3_600_000);
    expect(fakes.named('uploadChart').map((c) => c.input)).toEqual([expect.objectContaining({
      channel: 'C0ALERTS', threadTs: '1000.000100', threshold: 3,
      series: [{ name: 'pod=cart-7d9f8b6c5-x2k4p, namespace=shop', points: [[1795240000, 1], [1795240060, 4]] }],
    })]);
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  }, alert);
});

test('a chart that cannot be made is left out; the incident goes on to wait for a decision', async () => {
  const fakes = fakeActivities();
  fakes.activities.chartMetric = async () => {
    throw ApplicationFailure.nonRetryable('Slack files.uploadV2 failed (missing_scope)', 'SlackError');
  };
  const alert = crashLoopAlert({ query: { query: 'up{job="cart"} == 0' } });
  await withIncident(fakes, async ({ workflowId }) => {
    const waiting = await awaitingDecision(workflowId);
    expect(waiting.reportTs).toBeDefined();
    expect(fakes.named('uploadChart')).toHaveLength(0);
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  }, alert);
});

test('a non-approver is refused with who can approve, and nothing runs until an approver decides', async () => {
  const fakes = fakeActivities({ approvers: ['U0ALICE'] });
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    await decide({ userId: 'U0MALLORY' });
    await decide({ userId: 'U0MALLORY', decision: 'reject' });
    const handle = temporal.client.workflow.getHandle(workflowId);
    await waitUntil(async () => (await handle.query(getIncidentQuery)).refused.length === 2 && fakes.named('postEphemeral').length === 2);
    expect(fakes.remediationCount()).toBe(0);
    expect(fakes.named('postEphemeral').map((c) => c.input)).toEqual([
      expect.objectContaining({ user: 'U0MALLORY', text: expect.stringContaining('<@U0ALICE>') }),
      expect.objectContaining({ user: 'U0MALLORY' }),
    ]);
    expect(fakes.named('recordAudit').filter((c) => c.input.type === 'decision.refused')).toHaveLength(2);
    await decide({ userId: 'U0ALICE' });
    expect((await result(workflowId)).status).toBe('resolved');
    expect(fakes.remediationCount()).toBe(1);
    if (process.env.RECORD_HISTORIES) await saveHistory(workflowId, 'incident-refused-then-approved');
  });
});

test('with no approvers configured every approval is refused with how to set them', async () => {
  const fakes = fakeActivities({ approvers: [] });
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    await decide({ userId: 'U0ALICE' });
    await waitUntil(async () => fakes.named('postEphemeral').length === 1);
    expect(fakes.named('postEphemeral')[0].input.text).toContain('Set APPROVERS');
    expect(fakes.remediationCount()).toBe(0);
    await temporal.client.workflow.getHandle(workflowId).terminate('test done');
  });
});

test('approving twice, or approving and then rejecting, still acts exactly once', async () => {
  const fakes = fakeActivities();
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    // Sent back to back, before the workflow has handled the first: Slack retries and double clicks look like this.
    await decide({});
    await decide({});
    await decide({ decision: 'reject' });
    expect((await result(workflowId)).status).toBe('resolved');
    expect(fakes.remediationCount()).toBe(1);
  });
});

test('a rejection closes the incident without touching the cluster', async () => {
  const fakes = fakeActivities();
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    await decide({ decision: 'reject' });
    const final = await result(workflowId);
    expect(final.status).toBe('rejected');
    expect(fakes.remediationCount()).toBe(0);
    expect(fakes.named('updateReport').at(-1)!.input.view.closedReason).toContain('Rejected by <@U0ALICE>');
  });
});

test('a ✅ reaction approves the first proposal', async () => {
  const fakes = fakeActivities();
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    await decide({ via: 'reaction', proposalId: '' });
    expect((await result(workflowId)).decisions[0]).toMatchObject({ proposalId: 'p1', via: 'reaction' });
    expect(fakes.remediationCount()).toBe(1);
  });
});

test('a failed remediation is reported and marks the incident failed', async () => {
  const fakes = fakeActivities({
    remediation: async () => { throw ApplicationFailure.nonRetryable('Kubernetes refused: Lookout may not delete pods in namespace shop', 'Forbidden'); },
  });
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    await decide({});
    const final = await result(workflowId);
    expect(final.status).toBe('failed');
    expect(fakes.named('postThreadMessage').at(-1)!.input.text).toContain('may not delete pods');
  });
});

test('a Slack error no retry can fix closes the incident as failed, saying what to do', async () => {
  const fakes = fakeActivities();
  fakes.activities.postAlert = (async () => {
    throw ApplicationFailure.nonRetryable('Slack chat.postMessage failed (not_in_channel): the bot is not a member of the channel: /invite @Lookout there', 'SlackError');
  }) as Activities['postAlert'];
  await withIncident(fakes, async ({ workflowId }) => {
    const outcome = await result(workflowId).then(() => 'completed', (err: Error) => String((err.cause as Error | undefined)?.message ?? err.message));
    expect(outcome).toBe('Incident stopped: Slack chat.postMessage failed (not_in_channel): the bot is not a member of the channel: /invite @Lookout there');
    expect(fakes.named('recordIncident').map((c) => c.input.status)).toEqual(['investigating', 'failed']);
    expect(fakes.named('recordIncident')[1].input.event.detail.reason).toContain('/invite @Lookout');
    const described = await temporal.client.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'IncidentStatus')?.value).toBe('failed');
  });
});

test('the alert resolving ends the wait and says so in the thread', async () => {
  const fakes = fakeActivities();
  const alert = crashLoopAlert();
  await withIncident(fakes, async ({ workflowId }) => {
    await awaitingDecision(workflowId);
    const gateway = createIncidentGateway(temporal.client, { taskQueue: 'unused' });
    expect(await gateway.resolve({ ...alert, status: 'resolved', endsAt: '2026-11-21T05:10:00.000Z' })).toBe(true);
    const final = await result(workflowId);
    expect(final.status).toBe('resolved');
    expect(fakes.named('postThreadMessage').at(-1)!.input.text).toContain('resolved at 2026-11-21T05:10:00.000Z');
    expect(fakes.remediationCount()).toBe(0);
    expect(await gateway.resolve(alert)).toBe(false);
  }, alert);
});

test('proposals expire when nobody decides within the decision timeout', async () => {
  const fakes = fakeActivities();
  await withIncident(fakes, async ({ workflowId }) => {
    const final = await result(workflowId);
    expect(final.status).toBe('rejected');
    expect(fakes.named('postThreadMessage').at(-1)!.input.text).toContain('expired');
  }, crashLoopAlert(), { decisionTimeout: '2s' });
});

test('a repeated delivery of the same alert starts nothing new, and search attributes follow the status', async () => {
  const fakes = fakeActivities();
  const alert = crashLoopAlert();
  await withIncident(fakes, async ({ workflowId, decide }) => {
    await awaitingDecision(workflowId);
    const gateway = createIncidentGateway(temporal.client, { taskQueue: 'unused' });
    expect(await gateway.open(alert, { channel: 'C0ALERTS' })).toEqual({ workflowId, outcome: 'duplicate' });
    const described = await temporal.client.workflow.getHandle(workflowId).describe();
    const attrs = Object.fromEntries(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(attrs).toMatchObject({ AlertName: 'KubePodCrashLooping', AlertSource: 'alertmanager', Severity: 'critical', IncidentStatus: 'awaiting_approval', K8sNamespace: 'shop' });
    // The memo carries the alert's summary for the Temporal UI's audit view.
    expect(described.memo).toEqual({
      summary: 'KubePodCrashLooping: Pod shop/cart-7d9f8b6c5-x2k4p is crash looping', source: 'alertmanager',
      target: { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p' },
    });
    await decide({});
    await result(workflowId);
    expect(await gateway.open(alert, { channel: 'C0ALERTS' })).toEqual({ workflowId, outcome: 'duplicate' });
    const after = await temporal.client.workflow.getHandle(workflowId).describe();
    const final = Object.fromEntries(after.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(final).toMatchObject({ IncidentStatus: 'resolved', ApprovedBy: ['U0ALICE'] });
    expect(fakes.named('postAlert')).toHaveLength(1);
  }, alert);
});

/** `RECORD_HISTORIES=1 npm test -- test/workflows/incident` refreshes the histories the replay test checks. */
async function saveHistory(workflowId: string, name: string) {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  fs.writeFileSync(new URL(`../histories/${name}.json`, import.meta.url), historyToJSON(history));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
