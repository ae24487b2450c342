/**
 * The incident waiting for people: reminders, escalation and expiry with durations of seconds, second approvers,
 * verification after a fix, and alert storms joining one thread. Real dev server, recorded activities.
 */
import fs from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities/index.js';
import type { Alert } from '../../core/alert.js';
import type { Decision } from '../../core/incident.js';
import { getIncidentQuery, type IncidentInput, type IncidentState } from '../../workflows/types.js';
import { crashLoopAlert } from '../fixtures/alerts.js';
import { fakeActivities } from '../support/incident-fakes.js';
import { connectTemporal, unique, workflowBundle } from '../support/temporal.js';

type Activities = ReturnType<typeof createActivities>;

let temporal: Awaited<ReturnType<typeof connectTemporal>>;
beforeAll(async () => { temporal = await connectTemporal(); });
afterAll(async () => { await temporal.close(); });

type Fakes = ReturnType<typeof fakeActivities>;

async function withWorker(fakes: Fakes, body: (start: (input: Partial<IncidentInput> & { alert?: Alert }) => Promise<string>) => Promise<void>) {
  const taskQueue = unique('human-loop');
  const worker = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fakes.activities });
  const started: string[] = [];
  await worker.runUntil(async () => {
    await body(async ({ alert = crashLoopAlert(), ...rest }) => {
      const workflowId = `incident-${alert.key}`;
      await temporal.client.workflow.start('incidentWorkflow', { taskQueue, workflowId, args: [{ alert, channel: 'C0ALERTS', verifyAfter: 0, ...rest }] });
      started.push(workflowId);
      return workflowId;
    });
    await Promise.all(started.map((id) => temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined)));
  });
}

const handle = (id: string) => temporal.client.workflow.getHandle(id);
const decide = (id: string, d: Partial<Decision> = {}) => handle(id).signal('decision', {
  proposalId: 'p1', decision: 'approve', userId: 'U0ALICE', at: new Date().toISOString(), via: 'button', ...d,
});

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = (id: string, s: IncidentState['status']) => until(async () => {
  const state = await handle(id).query(getIncidentQuery);
  return state.status === s ? state : undefined;
}, `status ${s}`);

test('reminders in the thread, a DM to the approvers at the escalation point, then expiry; durations are inputs', async () => {
  const fakes = fakeActivities({ approvers: ['U0ALICE', 'U0BOB', 'S0ONCALL'] });
  await withWorker(fakes, async (start) => {
    const id = await start({ reminders: { every: '1s', escalateAfter: 2 }, decisionTimeout: '3500ms' });
    const final = await handle(id).result() as IncidentState;
    expect(final.status).toBe('rejected');
    const thread = fakes.named('postThreadMessage').map((c) => c.input.text as string);
    // Every second until the deadline: three on a quiet machine, at least the escalation's two on a busy one.
    const reminders = thread.filter((t) => t.startsWith(':bell: Reminder'));
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    expect(reminders.length).toBeLessThanOrEqual(3);
    expect(reminders[0]).toBe(':bell: Reminder 1: this incident is waiting for a decision from <@U0ALICE>, <@U0BOB>, <!subteam^S0ONCALL>.');
    expect(reminders[1]).toContain('Reminder 2');
    expect(thread.at(-1)).toContain('proposals have expired');
    // One escalation, to each approver who is a person (a user group has no DM).
    const dms = fakes.named('postChannelMessage').map((c) => c.input);
    expect(dms.map((d) => d.channel)).toEqual(['U0ALICE', 'U0BOB']);
    expect(dms[0].text).toContain('Escalation: *KubePodCrashLooping*');
    expect(fakes.named('recordAudit').map((c) => [c.input.type, c.input.outcome])).toEqual(expect.arrayContaining([
      ['reminder.sent', 'reminded'], ['reminder.sent', 'escalated'], ['proposals.expired', 'expired'],
    ]));
    expect(fakes.remediationCount()).toBe(0);
  });
});

test('a decision stops the reminders at once', async () => {
  const fakes = fakeActivities();
  await withWorker(fakes, async (start) => {
    const id = await start({ reminders: { every: '1s', escalateAfter: 5 } });
    await until(() => fakes.named('postThreadMessage').some((c) => c.input.text.includes('Reminder 1')), 'first reminder');
    await decide(id);
    expect((await handle(id).result() as IncidentState).status).toBe('resolved');
    const reminders = fakes.named('postThreadMessage').filter((c) => c.input.text.includes('Reminder')).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(fakes.named('postThreadMessage').filter((c) => c.input.text.includes('Reminder'))).toHaveLength(reminders);
  });
});

/** Alice and Bob approve; every proposal needs both of them (a second, different approver). */
function secondApproverFakes() {
  const fakes = fakeActivities({ approvers: ['U0ALICE', 'U0BOB'] });
  fakes.activities.authorizeDecision = (async (i) => {
    if (!['U0ALICE', 'U0BOB'].includes(i.userId)) return { allowed: false, reason: 'Only approvers can decide.', approvers: ['<@U0ALICE>', '<@U0BOB>'] };
    if (i.approvedBy.includes(i.userId)) return { allowed: false, reason: 'A second, different approver must approve this.', approvers: [] };
    return { allowed: true, needsAnotherApprover: i.approvedBy.length === 0, approvers: ['<@U0ALICE>', '<@U0BOB>'] };
  }) as Activities['authorizeDecision'];
  return fakes;
}

test('a destructive proposal needs a second, different approver before anything runs', async () => {
  const fakes = secondApproverFakes();
  await withWorker(fakes, async (start) => {
    const id = await start({});
    await status(id, 'awaiting_approval');
    await decide(id, { userId: 'U0ALICE' });
    const waiting = await until(async () => {
      const s = await handle(id).query(getIncidentQuery);
      return s.awaitingSecondApproval?.length ? s : undefined;
    }, 'second approval wanted');
    expect(waiting.status).toBe('awaiting_approval');
    expect(fakes.remediationCount()).toBe(0);
    await until(() => fakes.named('postThreadMessage').some((c) => c.input.text.includes('a second approver must approve it too')), 'the ask for a second approver');
    expect(fakes.named('updateReport').at(-1)!.input.view.awaitingSecondApproval).toEqual(['p1']);
    await decide(id, { userId: 'U0ALICE' });
    await until(() => fakes.named('postEphemeral').length === 1, 'refusal of the same approver');
    expect(fakes.named('postEphemeral')[0].input.text).toBe('A second, different approver must approve this.');
    await decide(id, { userId: 'U0BOB' });
    const final = await handle(id).result() as IncidentState;
    expect(final.status).toBe('resolved');
    expect(fakes.remediationCount()).toBe(1);
    expect(final.decisions.map((d) => d.userId)).toEqual(['U0ALICE', 'U0BOB']);
  });
});

test('a decision delivered twice (same Slack action id) is taken once; another action by the same person is not', async () => {
  const fakes = secondApproverFakes();
  await withWorker(fakes, async (start) => {
    const id = await start({});
    await status(id, 'awaiting_approval');
    // A non-approver's click, resent: one refusal.
    await decide(id, { userId: 'U0MALLORY', id: 'button:U0MALLORY:1.1:approve_p1' });
    await decide(id, { userId: 'U0MALLORY', id: 'button:U0MALLORY:1.1:approve_p1' });
    // Alice's approval, resent: one approval, and no "second, different approver" refusal for its copy.
    await decide(id, { userId: 'U0ALICE', id: 'button:U0ALICE:2.2:approve_p1' });
    await decide(id, { userId: 'U0ALICE', id: 'button:U0ALICE:2.2:approve_p1' });
    // Mallory clicking again is a new action: refused again.
    await decide(id, { userId: 'U0MALLORY', id: 'button:U0MALLORY:3.3:approve_p1' });
    await until(() => fakes.named('postEphemeral').length === 2, 'the second refusal');
    await decide(id, { userId: 'U0BOB', id: 'button:U0BOB:4.4:approve_p1' });
    const final = await handle(id).result() as IncidentState;
    expect(final.status).toBe('resolved');
    expect(final.decisions.map((d) => d.userId)).toEqual(['U0ALICE', 'U0BOB']);
    expect(final.refused.map((d) => d.id)).toEqual(['button:U0MALLORY:1.1:approve_p1', 'button:U0MALLORY:3.3:approve_p1']);
    expect(fakes.named('postEphemeral').map((c) => c.input.text)).toEqual(['Only approvers can decide.', 'Only approvers can decide.']);
    expect(fakes.named('recordAudit').filter((c) => c.input.type === 'decision.refused')).toHaveLength(2);
    expect(fakes.remediationCount()).toBe(1);
    // The skipped copy is recorded as a patch marker, and the history replays.
    const history = await handle(id).fetchHistory();
    const patches = (history.events ?? []).flatMap((e) => {
      const marker = e.markerRecordedEventAttributes;
      const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
      return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
    });
    expect(patches).toContain('decision-ids-v1');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, id);
  });
});

test('after a fix the workflow waits, verifies, and says "verified fixed" with the evidence', async () => {
  const fakes = fakeActivities();
  await withWorker(fakes, async (start) => {
    const id = await start({ verifyAfter: '500ms' });
    await status(id, 'awaiting_approval');
    await decide(id);
    const final = await handle(id).result() as IncidentState;
    expect(final.status).toBe('resolved');
    expect(fakes.named('restartBaseline')).toHaveLength(1);
    expect(fakes.named('verifyRemediation')[0].input).toMatchObject({ proposal: { id: 'p1' }, baseline: { restarts: {} } });
    const thread = fakes.named('postThreadMessage').map((c) => c.input.text as string);
    expect(thread.at(-1)).toBe(':white_check_mark: Verified fixed.\n• cart-7d9f8b6c5-x2k4p: Ready, 0 restarts since the fix');
    expect(fakes.named('recordAudit').map((c) => [c.input.type, c.input.outcome])).toEqual(expect.arrayContaining([
      ['decision.approve', 'approved'], ['remediation.executed', 'applied'], ['remediation.verified', 'fixed'],
    ]));
  });
});

test('not fixed: the thread says why and the other proposals are open again', async () => {
  const fakes = fakeActivities();
  let checks = 0;
  fakes.activities.verifyRemediation = (async () => {
    checks += 1;
    return checks === 1
      ? { fixed: false, evidence: ['cart-7d9f8b6c5-z9q1w: CrashLoopBackOff, 3 restarts since the fix'] }
      : { fixed: true, evidence: ['all 3 pods Ready'] };
  }) as Activities['verifyRemediation'];
  await withWorker(fakes, async (start) => {
    const id = await start({ verifyAfter: '200ms' });
    await status(id, 'awaiting_approval');
    await decide(id);
    await until(() => fakes.named('postThreadMessage').some((c) => c.input.text.startsWith(':warning: Not fixed')), 'not fixed');
    const reopened = await status(id, 'awaiting_approval');
    expect(reopened.outcomes).toHaveLength(1);
    expect(fakes.named('postThreadMessage').find((c) => c.input.text.startsWith(':warning:'))!.input.text)
      .toContain('cart-7d9f8b6c5-z9q1w: CrashLoopBackOff, 3 restarts since the fix');
    // p1 ran already; deciding on it again is refused, p2 can be approved.
    await decide(id, { proposalId: 'p1' });
    await until(() => fakes.named('postEphemeral').length === 1, 'refusal');
    await decide(id, { proposalId: 'p2' });
    const final = await handle(id).result() as IncidentState;
    expect(final.status).toBe('resolved');
    expect(fakes.named('executeRemediation').map((c) => c.input.proposal.id)).toEqual(['p1', 'p2']);
    if (process.env.RECORD_HISTORIES) {
      const history = await handle(id).fetchHistory();
      fs.writeFileSync(new URL('../histories/incident-not-fixed-then-fixed.json', import.meta.url), historyToJSON(history));
    }
  });
});

test('the alert resolving during the verification wait counts as fixed', async () => {
  const fakes = fakeActivities();
  await withWorker(fakes, async (start) => {
    const id = await start({ verifyAfter: '1m' });
    await status(id, 'awaiting_approval');
    await decide(id);
    await status(id, 'remediating');
    await until(() => fakes.named('executeRemediation').length === 1, 'remediation');
    await handle(id).signal('alertResolved', { at: '2026-11-21T09:30:00Z' });
    const final = await handle(id).result() as IncidentState;
    expect(final.status).toBe('resolved');
    expect(fakes.named('verifyRemediation')).toHaveLength(0);
    expect(fakes.named('postThreadMessage').at(-1)!.input.text).toBe(':white_check_mark: Verified fixed.\n• The alert resolved at 2026-11-21T09:30:00Z.');
  });
});

test('an alert storm: later alerts join the first one\'s thread, its message keeps a live summary, and they close with it', async () => {
  const fakes = fakeActivities();
  const storms = new Map<string, string>();
  fakes.activities.joinStorm = (async (i) => {
    const leader = storms.get(i.key);
    if (!leader) {
      storms.set(i.key, i.workflowId);
      return { role: 'leader' };
    }
    return { role: 'member', leaderWorkflowId: leader, members: 1 };
  }) as Activities['joinStorm'];
  fakes.activities.closeStorm = (async (i) => { storms.delete(i.key); }) as Activities['closeStorm'];
  fakes.activities.updateAlert = (async (i) => { fakes.calls.push({ name: 'updateAlert', input: i }); }) as Activities['updateAlert'];
  await withWorker(fakes, async (start) => {
    const storm = { key: 'C0ALERTS|KubePodCrashLooping|shop', windowMs: 60_000 };
    const pod = (name: string) => crashLoopAlert({ target: { namespace: 'shop', pod: name } });
    const leader = await start({ alert: pod('cart-1'), storm });
    await status(leader, 'awaiting_approval');
    const members = [];
    for (const name of ['cart-2', 'cart-3', 'cart-4']) members.push(await start({ alert: pod(name), storm }));
    const summary = await until(() => fakes.named('updateAlert').find((c) => c.input.note.includes('4 alerts')), 'summary of 4');
    expect(summary.input.note).toBe(':cyclone: Storm: 4 alerts (KubePodCrashLooping), 4 pods affected in shop. Later alerts join this thread.');
    // One top-level alert message and one report: the members post nothing of their own.
    expect(fakes.named('postAlert')).toHaveLength(1);
    expect(fakes.named('updateReport').map((c) => c.input.ts).filter((ts, i, all) => all.indexOf(ts) === i)).toHaveLength(1);
    for (const m of members) expect((await handle(m).query(getIncidentQuery)).stormLeader).toBe(leader);

    await handle(leader).signal('alertResolved', { at: '2026-11-21T09:40:00Z' });
    for (const m of members) {
      const final = await handle(m).result() as IncidentState;
      expect(final.status).toBe('resolved');
    }
    expect(storms.size).toBe(0);
    // Every alert is in the incident index.
    const recorded = new Set(fakes.named('recordIncident').map((c) => c.input.workflowId));
    expect(recorded).toEqual(new Set([leader, ...members]));
    if (process.env.RECORD_HISTORIES) {
      expect((await handle(leader).result() as IncidentState).status).toBe('resolved');
      for (const [name, id] of [['incident-storm-leader', leader], ['incident-storm-member', members[0]]]) {
        fs.writeFileSync(new URL(`../histories/${name}.json`, import.meta.url), historyToJSON(await handle(id).fetchHistory()));
      }
    }
  });
});
