import { Worker } from '@temporalio/worker';
import { reminderWorkflow } from '../../workflows/reminders.js';
import { connectTemporal, unique, workflowBundle } from '../support/temporal.js';

let temporal: Awaited<ReturnType<typeof connectTemporal>>;
beforeAll(async () => { temporal = await connectTemporal(); });
afterAll(async () => { await temporal.close(); });

test('a reminder waits durably for its delay, then posts once in the thread it was set in', async () => {
  const posted: { input: any; at: number }[] = [];
  const taskQueue = unique('reminders');
  const worker = await Worker.create({
    connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(),
    activities: { postChannelMessage: async (input: unknown) => { posted.push({ input, at: Date.now() }); return { ts: '1.1' }; } },
  });
  await worker.runUntil(async () => {
    const started = Date.now();
    const handle = await temporal.client.workflow.start(reminderWorkflow, {
      taskQueue, workflowId: unique('reminder'),
      args: [{ teamId: 'T1', channel: 'C1', userId: 'U0ALICE', text: 'check the rollout', delayMs: 1500, threadTs: '100.1' }],
    });
    expect(posted).toHaveLength(0);
    await handle.result();
    expect(posted).toHaveLength(1);
    expect(posted[0].at - started).toBeGreaterThanOrEqual(1400);
    expect(posted[0].input).toEqual({
      teamId: 'T1', channel: 'C1', threadTs: '100.1', text: ':alarm_clock: Reminder for <@U0ALICE>: check the rollout',
    });
  });
});
