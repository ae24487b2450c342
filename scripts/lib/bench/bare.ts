import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { mapLimit } from './stats.js';

export interface BareActivities {
  noop(): Promise<void>;
}

const workflowsPath = fileURLToPath(new URL('./bare-workflow.ts', import.meta.url));

export interface BareResult {
  workflows: number;
  seconds: number;
  perSecond: number;
}

/**
 * N workflows of one no-op activity on the same Temporal server, started `concurrency` at a time and awaited:
 * what Temporal and the SDK alone can do on this machine, the yardstick for the pipeline's ratio.
 */
export async function runBare(
  { address, namespace = 'default', workflows, concurrency = 32, tuning }:
  { address: string; namespace?: string; workflows: number; concurrency?: number; tuning?: Partial<WorkerOptions> },
): Promise<BareResult> {
  const taskQueue = `bench-bare-${process.pid}-${Date.now()}`;
  const native = await NativeConnection.connect({ address });
  const activities: BareActivities = { noop: async () => {} };
  const worker = await Worker.create({ connection: native, namespace, taskQueue, workflowsPath, activities, ...tuning });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  try {
    const started = Date.now();
    await mapLimit(Array.from({ length: workflows }, (_, i) => i), concurrency, async (i) => {
      await client.workflow.execute('bareWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}` });
    });
    const seconds = (Date.now() - started) / 1000;
    return { workflows, seconds, perSecond: workflows / seconds };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
  }
}
