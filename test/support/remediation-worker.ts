/**
 * A real worker process for test/e2e/remediation-exactly-once.test.ts, which SIGKILLs it mid-remediation:
 * `node --import tsx test/support/remediation-worker.ts` with TEMPORAL_ADDRESS, TASK_QUEUE, KUBECONFIG, DATABASE_URL.
 * Prints "ready" once polling.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { createRemediationActivities } from '../../activities/remediation.js';
import { createLedger } from '../../activities/store.js';
import { buildKubernetes } from '../../worker/clients.js';

const { TEMPORAL_ADDRESS, TASK_QUEUE, KUBECONFIG, DATABASE_URL, WORKFLOW_BUNDLE } = process.env;
if (!TEMPORAL_ADDRESS || !TASK_QUEUE || !KUBECONFIG || !DATABASE_URL) {
  process.stderr.write('remediation-worker needs TEMPORAL_ADDRESS, TASK_QUEUE, KUBECONFIG and DATABASE_URL\n');
  process.exit(2);
}
Runtime.install({ logger: new DefaultLogger('WARN') });
const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => {} });
const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  taskQueue: TASK_QUEUE,
  // A prebuilt bundle (the test builds it once) saves seconds per start; otherwise bundle the probe workflow here.
  ...(WORKFLOW_BUNDLE
    ? { workflowBundle: { codePath: WORKFLOW_BUNDLE } }
    : { workflowsPath: fileURLToPath(new URL('./remediation-probe-workflow.ts', import.meta.url)) }),
  activities: createRemediationActivities({ kubernetes: buildKubernetes({ kubeconfig: KUBECONFIG }), ledger: createLedger(sql) }),
  // No sticky cache: after the kill, the next workflow task goes straight to the normal queue, not the dead worker's.
  maxCachedWorkflows: 0,
});
process.stdout.write('ready\n');
await worker.run();
await sql.end();
