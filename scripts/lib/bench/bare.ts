import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Config } from '../../../core/config.js';
import { cpuMsPer, type CpuSnapshot } from './cpu.js';
import type { BareWorker } from './stack.js';
import { mapLimit } from './stats.js';

export interface BareActivities {
  noop(): Promise<void>;
}

export const bareActivities: BareActivities = { noop: async () => {} };
export const bareWorkflowsPath = fileURLToPath(new URL('./bare-workflow.ts', import.meta.url));

/** The baseline's worker on `taskQueue`, tuned by the same WORKER_* settings as the incident worker. */
export async function createBareWorker(connection: NativeConnection, config: Config, taskQueue = config.temporal.taskQueue): Promise<Worker> {
  return await Worker.create({
    connection, namespace: config.temporal.namespace, taskQueue, workflowsPath: bareWorkflowsPath, activities: bareActivities, ...config.worker,
  });
}

export interface BareResult {
  workflows: number;
  seconds: number;
  perSecond: number;
  /** CPU ms per workflow of each part of the stack (`bare_worker` is the bare worker's process). */
  cpuMsPerWorkflow: Record<string, number>;
}

/**
 * N workflows of one no-op activity on the same Temporal server, started `concurrency` at a time and awaited:
 * what Temporal and the SDK alone can do on this machine, the yardstick for the pipeline's ratio. The worker comes from
 * `startWorker`, so it runs where the incident worker runs (its own process, or the bench's) with the same tuning.
 */
export async function runBare(
  { address, namespace = 'default', workflows, concurrency = 32, startWorker, cpu }: {
    address: string; namespace?: string; workflows: number; concurrency?: number; startWorker: (taskQueue: string) => Promise<BareWorker>;
    /** The stack's CPU snapshot (Temporal, PostgreSQL, the machine), to which the bare worker's is added. */
    cpu: () => CpuSnapshot;
  },
): Promise<BareResult> {
  const taskQueue = `bench-bare-${process.pid}-${Date.now()}`;
  const worker = await startWorker(taskQueue);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  try {
    const snapshot = () => ({ ...cpu(), ...(worker.cpuSeconds ? { bare_worker: worker.cpuSeconds() } : {}) });
    const before = snapshot();
    const started = Date.now();
    await mapLimit(Array.from({ length: workflows }, (_, i) => i), concurrency, async (i) => {
      await client.workflow.execute('bareWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}` });
    });
    const seconds = (Date.now() - started) / 1000;
    return { workflows, seconds, perSecond: workflows / seconds, cpuMsPerWorkflow: cpuMsPer(before, snapshot(), workflows) };
  } finally {
    await worker.stop();
    await connection.close();
  }
}
