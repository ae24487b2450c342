import { demoWorld } from '../../sandbox/kubernetes/demo-world.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import { eventually, findButton, startStack, type Stack } from '../support/stack.js';

// The whole pipeline over real HTTP: Alertmanager webhook -> Temporal -> Slack emulator thread -> signed button click
// -> the Kubernetes API test server. Nothing in the app knows it is under test.
let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 120_000);
afterAll(async () => { await stack?.close(); });

const post = (p: string, body: unknown) => stack.post(p, body);
const podDeletes = () => stack.k8s.mutations.filter((m) => m.verb === 'delete' && m.kind === 'Pod' && !m.dryRun);

test('alert -> threaded report -> non-approver refused -> approver approves -> exactly one pod deleted', async () => {
  stack.k8s.load(demoWorld());
  const startsAt = new Date(Date.now() - 60_000);
  const res = await post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt }));
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ accepted: 1, results: [{ outcome: 'started' }] });

  const alertMessage = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => !m.threadTs && m.text.includes('KubePodCrashLooping')), 30_000);
  const report = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', alertMessage.ts).find((m) => findButton(m, 'approve')), 30_000);
  expect(report.text).toContain('CrashLoopBackOff');
  // Before anyone approves, the report shows what the deletion would do, from a server-side dry run.
  expect(JSON.stringify(report.blocks)).toContain('✓ would delete pod shop/cart-7d9f8b6c5-x2k4p');
  expect(stack.k8s.mutations.filter((m) => m.verb === 'delete').map((m) => m.dryRun)).toEqual([true]);
  // The rule's metric over the last hour, charted from the Prometheus API, lands in the same thread.
  const chart = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', alertMessage.ts).flatMap((m) => m.files ?? []).find((f) => f.name === 'metric.png'), 20_000);
  expect(stack.slack.file(chart.id)?.bytes?.subarray(1, 4).toString()).toBe('PNG');
  expect(stack.prometheus.requests.some((r) => r.path === '/api/v1/query_range' && String(r.params.query).includes('kube_pod_container_status_restarts_total'))).toBe(true);
  await stack.slack.waitFor(() => alertMessage.reactions.some((r) => r.name === 'eyes'));

  // Someone who is not an approver: refused privately, nothing deleted.
  const approve = findButton(report, 'approve')!;
  expect((await stack.slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: approve, userId: 'U0BOB' })).status).toBe(200);
  const refusal = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => m.ephemeralFor === 'U0BOB'), 20_000);
  expect(refusal.text).toContain('<@U0ALICE>');
  expect(podDeletes()).toHaveLength(0);

  // The approver: the pod is deleted once, with a dry run first, and the outcome lands in the thread.
  await stack.slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: approve, userId: 'U0ALICE' });
  const outcome = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', alertMessage.ts).find((m) => m.text.includes('approved by <@U0ALICE>')), 30_000);
  expect(outcome.text).toContain('Deleted pod shop/cart-7d9f8b6c5-x2k4p');
  expect(podDeletes()).toEqual([expect.objectContaining({ namespace: 'shop', name: 'cart-7d9f8b6c5-x2k4p' })]);
  // One dry run for the report's preview, one just before the real delete.
  expect(stack.k8s.mutations.filter((m) => m.verb === 'delete' && m.dryRun)).toHaveLength(2);

  // Pressing again changes nothing; the report no longer offers buttons; the alert shows a check mark.
  await stack.slack.clickButton({ channel: 'C0ALERTS', ts: report.ts, actionId: approve, userId: 'U0ALICE' }).catch(() => undefined);
  await stack.slack.waitFor(() => alertMessage.reactions.some((r) => r.name === 'white_check_mark'), 20_000);
  expect(podDeletes()).toHaveLength(1);
  const updated = stack.slack.thread('C0ALERTS', alertMessage.ts).find((m) => m.ts === report.ts)!;
  expect(findButton(updated, 'approve')).toBeUndefined();
  expect(JSON.stringify(updated.blocks)).toContain('Approved by <@U0ALICE>');

  const incident = await eventually(async () => {
    const [row] = await stack.db.sql`select status, approved_by from incidents where report_ts = ${report.ts}`;
    return row?.status === 'resolved' ? row : undefined;
  });
  expect(incident).toMatchObject({ status: 'resolved', approved_by: ['U0ALICE'] });
  const audit = await stack.db.sql<{ type: string; actor: string; detail: { decisionId?: string } }[]>`
    select type, actor, detail from audit_events where workflow_id = (select workflow_id from incidents where report_ts = ${report.ts}) order by id`;
  expect(audit.map((a) => a.type)).toEqual(expect.arrayContaining([
    'decision.refused', 'decision.approve', 'remediation.applied', 'remediation.executed', 'remediation.verified', 'status.resolved',
  ]));
  // The approval names the button press it came from.
  expect(audit.find((a) => a.type === 'decision.approve')!.detail.decisionId).toMatch(/^button:U0ALICE:\d+\.\d+:approve_\w+:p1$/);
  // The thread says the fix was verified, and the settings page shows the audit trail.
  expect(stack.slack.thread('C0ALERTS', alertMessage.ts).some((m) => m.text.startsWith(':white_check_mark: Verified fixed.'))).toBe(true);
  const page = await stack.settingsPage();
  expect(page).toMatch(/<td>U0ALICE<\/td><td>pods_delete<\/td><td>Pod\/shop\/cart-7d9f8b6c5-x2k4p<\/td><td>approved<\/td>/);
  expect(page).toMatch(/<td>Lookout<\/td><td>pods_delete<\/td><td>Pod\/shop\/cart-7d9f8b6c5-x2k4p<\/td><td>fixed<\/td>/);
});

test('a repeated Alertmanager delivery starts nothing new; the resolved notification closes the incident', async () => {
  stack.k8s.load(demoWorld());
  const startsAt = new Date(Date.now() - 120_000);
  const first = await (await post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt }))).json();
  const again = await post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt }));
  expect(again.status).toBe(202);
  expect(await again.json()).toMatchObject({ results: [{ outcome: 'duplicate', workflowId: first.results[0].workflowId }] });

  // The report names its incident; its thread is the alert message's.
  const workflowId: string = first.results[0].workflowId;
  const report = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => m.threadTs && JSON.stringify(m.blocks ?? []).includes(workflowId) && findButton(m, 'approve')), 30_000);
  const alertTs = report.threadTs!;
  expect(stack.slack.messages('C0ALERTS').filter((m) => m.ts === alertTs)).toHaveLength(1);
  const resolved = await post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt, status: 'resolved' }));
  expect(await resolved.json()).toMatchObject({ results: [{ outcome: 'resolved' }] });
  await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', alertTs).find((m) => m.text.includes('resolved')), 30_000);
  expect(podDeletes().length).toBeLessThanOrEqual(1);
});

test('a ✅ reaction by an approver on the report approves its first proposal; one by anyone else does nothing', async () => {
  stack.k8s.load(demoWorld());
  const deletesBefore = podDeletes().length;
  const res = await post('/alerts/alertmanager', sampleWebhook('crashloop', { startsAt: new Date(Date.now() - 180_000) }));
  const workflowId: string = (await res.json()).results[0].workflowId;
  const report = await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').find((m) => m.threadTs && JSON.stringify(m.blocks ?? []).includes(workflowId) && findButton(m, 'approve')), 30_000);

  await stack.slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: 'white_check_mark', userId: 'U0BOB' });
  await stack.slack.waitFor(() => stack.slack.messages('C0ALERTS').filter((m) => m.ephemeralFor === 'U0BOB' && m.threadTs === report.threadTs).length > 0, 20_000);
  expect(podDeletes().length).toBe(deletesBefore);

  await stack.slack.addReaction({ channel: 'C0ALERTS', ts: report.ts, name: 'white_check_mark', userId: 'U0ALICE' });
  const outcome = await stack.slack.waitFor(() => stack.slack.thread('C0ALERTS', report.threadTs!).find((m) => m.text.includes('approved by <@U0ALICE>')), 30_000);
  expect(outcome.text).toContain('pods_delete');
  expect(podDeletes().length).toBe(deletesBefore + 1);
  // Each decision names the Slack action it came from, so a copy of it is recognised as one.
  const decisions = await stack.db.sql<{ type: string; detail: { decisionId?: string } }[]>`
    select type, detail from audit_events where workflow_id = ${workflowId} and type like 'decision.%' order by id`;
  expect(decisions.map((d) => [d.type, d.detail.decisionId])).toEqual([
    ['decision.refused', expect.stringMatching(/^reaction:U0BOB:\d+\.\d+:white_check_mark$/)],
    ['decision.approve', expect.stringMatching(/^reaction:U0ALICE:\d+\.\d+:white_check_mark$/)],
  ]);
});

test('invalid alert bodies get 400 naming the problem and start nothing', async () => {
  const before = stack.slack.calls.length;
  const cases: [string, unknown, RegExp][] = [
    ['/alerts/alertmanager', '{"version":', /not valid JSON/],
    ['/alerts/alertmanager', { version: '4', alerts: [] }, /^alerts: must hold at least one alert/],
    ['/alerts/generic', { text: 'x' }, /^title: /],
  ];
  for (const [p, body, message] of cases) {
    const res = await post(p, body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(message);
  }
  await new Promise((r) => setTimeout(r, 300));
  expect(stack.slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
});

test('Slack requests with a bad signature are refused with 401', async () => {
  const res = await fetch(`${stack.server.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=deadbeef' },
    body: JSON.stringify({ type: 'event_callback', event: { type: 'reaction_added' } }),
  });
  expect(res.status).toBe(401);
});

test('health, readiness and metrics answer', async () => {
  expect((await fetch(`${stack.server.url}/healthz`)).status).toBe(200);
  const ready = await fetch(`${stack.server.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ checks: { temporal: 'ok', postgres: 'ok' } });
  const metrics = await (await fetch(`${stack.server.url}/metrics`)).text();
  expect(metrics).toMatch(/lookout_alerts_received_total\{source="alertmanager",status="firing"\} [1-9]/);
  expect(metrics).toMatch(/lookout_workflows_started_total\{outcome="duplicate"\} [1-9]/);
  expect(metrics).toMatch(/lookout_remediations_total\{action="pods_delete",outcome="applied"\} 2\n/);
  expect(metrics).toMatch(/lookout_decisions_total\{decision="approve",via="reaction"\} 2\n/);
});
