import { Client } from '@temporalio/client';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { checkDatabase, type Database } from '../db/index.js';
import { connectTemporal } from '../worker/clients.js';
import { startServer, type LookoutServer } from './app.js';
import { createIncidentGateway } from './incidents.js';
import { createServerStore } from './store.js';

/** Connects the server to Temporal and PostgreSQL and starts it; close() releases what it opened. */
export async function runServer(config: Config, db: Database, metrics: Metrics, log: Logger): Promise<LookoutServer> {
  const connection = await connectTemporal(config.temporal.address ?? '127.0.0.1:7233');
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const server = await startServer({
    config, log, metrics,
    store: createServerStore(db.sql),
    incidents: createIncidentGateway(client, { taskQueue: config.temporal.taskQueue, metrics }),
    checks: {
      temporal: async () => void (await connection.workflowService.getSystemInfo({})),
      postgres: () => checkDatabase(db.sql),
    },
  });
  return {
    ...server,
    async close() {
      await server.close();
      await connection.close();
    },
  };
}
