// `npm run server`: the HTTP server (Slack events, alert webhooks, settings) alone.
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createMetrics } from '../core/metrics.js';
import { openDatabase } from '../db/index.js';
import { runServer } from './run.js';

const log = createLogger('lookout-server');
try {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log });
  const server = await runServer(config, db, createMetrics(), log);
  log.info({ url: server.url }, 'server listening');
  const stop = async () => {
    await server.close();
    await db.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
} catch (err) {
  log.fatal({ err }, err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
