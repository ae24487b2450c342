// `npm run worker`: the incident worker alone, against the configured Temporal and PostgreSQL.
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createMetrics } from '../core/metrics.js';
import { openDatabase } from '../db/index.js';
import { bundleInChildProcess } from './bundle.js';
import { buildActivityDeps, startWorker } from './run.js';

const log = createLogger('lookout-worker');
try {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log });
  // Bundled in a child process, so webpack's memory is not the worker's.
  const workflowBundle = await bundleInChildProcess();
  const running = await startWorker(config, buildActivityDeps(config, db.sql, createMetrics()), log, { workflowBundle });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.shutdown());
  await running.done;
  await db.close();
} catch (err) {
  log.fatal({ err }, err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
