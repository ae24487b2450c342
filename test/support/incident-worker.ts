/**
 * The real incident worker as its own OS process, for the chaos tests (test/chaos/), which SIGKILL and restart it:
 * `node --import tsx test/support/incident-worker.ts` with the app's environment (TEMPORAL_ADDRESS, DATABASE_URL,
 * SLACK_*, KUBECONFIG, ...), exactly as `npm run worker` reads it. Prints "ready" once polling.
 */
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import { openDatabase } from '../../db/index.js';
import { buildActivityDeps, startWorker } from '../../worker/run.js';

const log = createLogger('chaos-worker', process.env.LOG_LEVEL ?? 'warn');
const config = loadConfig();
const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log });
const bundle = process.env.WORKFLOW_BUNDLE_PATH;
const running = await startWorker(config, buildActivityDeps(config, db.sql, createMetrics()), log, bundle ? { workflowBundle: { codePath: bundle } } : {});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void running.shutdown());
await running.done;
await db.close();
