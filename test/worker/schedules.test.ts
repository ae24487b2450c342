import { ScheduleOverlapPolicy, type Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { DigestIncident } from '../../core/digest.js';
import { DIGEST_SCHEDULE_ID, ensureDigestSchedule } from '../../worker/schedules.js';
import { connectTemporal, unique, workflowBundle } from '../support/temporal.js';

let temporal: Awaited<ReturnType<typeof connectTemporal>>;
const created: string[] = [];
beforeAll(async () => { temporal = await connectTemporal(); });
afterAll(async () => {
  for (const id of created) await temporal.client.schedule.getHandle(id).delete().catch(() => {});
  await temporal.close();
});

test('the default schedule ID is the documented one', () => {
  expect(DIGEST_SCHEDULE_ID).toBe('lookout-daily-digest');
});

test('creates the daily digest schedule once: 09:00 UTC, overlap SKIP, starting digestWorkflow; a second call leaves it', async () => {
  const scheduleId = unique('digest-schedule');
  const taskQueue = unique('digest-q');
  created.push(scheduleId);
  expect(await ensureDigestSchedule(temporal.client, { taskQueue, scheduleId })).toEqual({ created: true });
  const handle = temporal.client.schedule.getHandle(scheduleId);
  const first = await handle.describe();
  // A second start (another worker, a restart) with other options must not touch what exists.
  expect(await ensureDigestSchedule(temporal.client, { taskQueue: 'elsewhere', scheduleId, cron: '0 10 * * *' })).toEqual({ created: false });
  const described = await handle.describe();
  expect(described.spec.calendars).toEqual(first.spec.calendars);
  expect(described.spec.calendars).toEqual([
    expect.objectContaining({ hour: [{ start: 9, end: 9, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] }),
  ]);
  expect(described.spec.timezone).toBe('UTC');
  expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'digestWorkflow', taskQueue, args: [{}] });
});

test('works from a bare Connection too (how worker/run.ts calls it), with a custom cron and workspace', async () => {
  const scheduleId = unique('digest-schedule');
  created.push(scheduleId);
  const namespace = temporal.client.options.namespace;
  expect(await ensureDigestSchedule(temporal.client.connection as Connection, { taskQueue: 'q', scheduleId, namespace, cron: '30 7 * * 1-5', teamId: 'T1' }))
    .toEqual({ created: true });
  const described = await temporal.client.schedule.getHandle(scheduleId).describe();
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
  expect(described.action).toMatchObject({ workflowType: 'digestWorkflow', args: [{ teamId: 'T1' }] });
});

test('triggering the schedule runs digestWorkflow, which posts the digest per channel', async () => {
  const scheduleId = unique('digest-schedule');
  const taskQueue = unique('digest-q');
  created.push(scheduleId);
  const open: DigestIncident[] = [
    { workflowId: 'a', teamId: 'T1', channel: 'C1', alertName: 'KubePodCrashLooping', severity: 'critical', status: 'awaiting_approval', createdAt: new Date().toISOString() },
    { workflowId: 'b', teamId: 'T1', channel: 'C2', alertName: 'HighLatency', severity: 'warning', status: 'investigating', createdAt: new Date().toISOString() },
  ];
  const posted: { channel: string; text: string }[] = [];
  const worker = await Worker.create({
    connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(),
    activities: {
      listOpenIncidents: async () => open,
      postChannelMessage: async (input: { channel: string; text: string }) => { posted.push(input); return { ts: '1.1' }; },
    },
  });
  await ensureDigestSchedule(temporal.client, { taskQueue, scheduleId });
  const handle = temporal.client.schedule.getHandle(scheduleId);
  await worker.runUntil(async () => {
    await handle.trigger();
    let runs: { workflowId: string }[] = [];
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      runs = (await handle.describe()).info.recentActions.map((a) => a.action.workflow);
      if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0].workflowId.startsWith(scheduleId)).toBe(true);
    const result = await temporal.client.workflow.getHandle(runs[0].workflowId).result();
    expect(result).toEqual({ channels: 2, incidents: 2 });
  });
  expect(posted.map((p) => p.channel)).toEqual(['C1', 'C2']);
  expect(posted[0].text).toContain('*Awaiting approval*');
});
