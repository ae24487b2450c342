import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';

/** workflows/index.ts, or index.js when running transpiled (npm run worker, scripts/run-built.mjs). */
export const workflowsPath = fileURLToPath(new URL(`../workflows/index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once per file); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra options, e.g. cache sizes for load tests. */
  tuning?: Partial<WorkerOptions>;
}

/** The incident worker: workflows from workflows/, activities over the given clients. */
export async function createWorker({ connection, namespace, taskQueue, deps, workflowBundle, tuning }: CreateWorkerOptions) {
  return await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: createActivities(deps),
    ...tuning,
  });
}
