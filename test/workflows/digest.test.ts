import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { DigestIncident } from '../../core/digest.js';
import { digestWorkflow } from '../../workflows/digest.js';
import { connectTemporal, unique, workflowBundle } from '../support/temporal.js';

let temporal: Awaited<ReturnType<typeof connectTemporal>>;
beforeAll(async () => { temporal = await connectTemporal(); });
afterAll(async () => { await temporal.close(); });

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const incident = (over: Partial<DigestIncident>): DigestIncident => ({
  workflowId: 'incident-1', teamId: 'T1', channel: 'C1', alertName: 'KubePodCrashLooping', severity: 'critical',
  namespace: 'shop', status: 'investigating', createdAt: hoursAgo(2), ...over,
});

/** Fake activities: the store returns `open`; Slack records posts and can refuse one channel. */
function digestFakes(open: DigestIncident[], { refuse }: { refuse?: string } = {}) {
  const posted: { teamId?: string; channel: string; text: string }[] = [];
  const queried: unknown[] = [];
  return {
    posted,
    queried,
    activities: {
      async listOpenIncidents(input: { teamId?: string }) {
        queried.push(input);
        return open.filter((i) => !input.teamId || i.teamId === input.teamId);
      },
      async postChannelMessage(input: { teamId?: string; channel: string; text: string }) {
        if (input.channel === refuse) {
          throw ApplicationFailure.nonRetryable('Slack chat.postMessage failed (not_in_channel)', 'SlackError');
        }
        posted.push(input);
        return { ts: '1.1' };
      },
    },
  };
}

test('posts one digest per channel with open incidents, and nothing where nothing is open', async () => {
  const fakes = digestFakes([
    incident({ workflowId: 'a', channel: 'C1', status: 'awaiting_approval', link: 'https://slack.com/archives/C1/p1' }),
    incident({ workflowId: 'b', channel: 'C2', alertName: 'HighLatency' }),
    incident({ workflowId: 'c', channel: 'C1', createdAt: hoursAgo(30) }),
    incident({ workflowId: 'd', channel: 'C3', status: 'resolved' }),
  ]);
  const taskQueue = unique('digest');
  const worker = await Worker.create({
    connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fakes.activities,
  });
  const result = await worker.runUntil(temporal.client.workflow.execute(digestWorkflow, {
    taskQueue, workflowId: unique('digest'), args: [{}],
  }));
  expect(result).toEqual({ channels: 2, incidents: 4 });
  expect(fakes.posted.map((p) => [p.teamId, p.channel])).toEqual([['T1', 'C1'], ['T1', 'C2']]);
  const c1 = fakes.posted[0].text;
  expect(c1).toContain('2 open incidents, 1 awaiting approval');
  expect(c1).toContain('<https://slack.com/archives/C1/p1|KubePodCrashLooping>');
  expect(c1).toMatch(/open 1d 6h/);
  expect(fakes.posted[1].text).toContain('HighLatency');
});

test('a workspace digest queries that workspace; a channel Slack refuses does not stop the others', async () => {
  const fakes = digestFakes([
    incident({ workflowId: 'a', channel: 'C-gone' }),
    incident({ workflowId: 'b', channel: 'C2' }),
    incident({ workflowId: 'c', channel: 'C3', teamId: 'T2' }),
  ], { refuse: 'C-gone' });
  const taskQueue = unique('digest');
  const worker = await Worker.create({
    connection: temporal.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fakes.activities,
  });
  const result = await worker.runUntil(temporal.client.workflow.execute(digestWorkflow, {
    taskQueue, workflowId: unique('digest'), args: [{ teamId: 'T1' }],
  }));
  expect(fakes.queried).toEqual([{ teamId: 'T1' }]);
  expect(fakes.posted.map((p) => p.channel)).toEqual(['C2']);
  expect(result).toEqual({ channels: 1, incidents: 2 });
});
