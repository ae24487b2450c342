import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../../core/config.js';
import { createLogger } from '../../../core/logger.js';
import { createMetrics } from '../../../core/metrics.js';
import { openDatabase } from '../../../db/index.js';
import { runServer } from '../../../server/run.js';
import { buildActivityDeps, startWorker } from '../../../worker/run.js';
import { createBareWorker } from './bare.js';
import { closeAll, cpuSnapshot, startFakes, type BenchStack } from './stack.js';
import { rssMb } from './stats.js';

/**
 * The pipeline as `npm start` wires it (server and worker in the bench process, PGlite unless `databaseUrl` is set),
 * beside the local servers: what the bench runs without a real PostgreSQL, since PGlite serves one process only.
 */
export async function startSingleProcessStack({ databaseUrl, env = {} }: { databaseUrl?: string; env?: Record<string, string> }): Promise<BenchStack> {
  const fakes = await startFakes(env);
  const { cleanups } = fakes;
  try {
    const config = loadConfig({ ...fakes.env, PORT: '0', DATABASE_URL: databaseUrl });
    const log = createLogger('bench', 'silent');
    const db = await openDatabase({ url: config.databaseUrl, dataDir: fakes.dir, log });
    cleanups.push(() => db.close());

    // Core's own logs are counted rather than printed, so stdout stays the table and the JSON line.
    const warnings = new Map<string, number>();
    Runtime.install({
      logger: new DefaultLogger('WARN', ({ message }) => warnings.set(message, (warnings.get(message) ?? 0) + 1)),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
    });
    const metrics = createMetrics();
    const worker = await startWorker(config, buildActivityDeps(config, db.sql, metrics), log, { forwardTemporalLogs: false });
    cleanups.push(() => worker.shutdown());
    const server = await runServer(config, db, metrics, log);
    cleanups.push(() => server.close());
    fakes.slack.setAppUrl(server.url);

    const rss = () => {
      const mb = rssMb();
      return { worker: mb, server: mb, bench: mb };
    };
    return {
      topology: 'single-process', temporalAddress: fakes.temporalAddress, namespace: config.temporal.namespace,
      serverUrl: server.url, slack: fakes.slack, llm: fakes.llm, rss, cpu: () => cpuSnapshot(fakes, {}),
      temporalWarnings: () => Object.fromEntries(warnings),
      failure: () => (worker.worker.getState() === 'FAILED' ? 'the worker failed' : undefined),
      async startBareWorker(taskQueue) {
        const connection = await NativeConnection.connect({ address: fakes.temporalAddress });
        const bare = await createBareWorker(connection, config, taskQueue);
        const running = bare.run();
        return {
          async stop() {
            bare.shutdown();
            await running;
            await connection.close();
          },
        };
      },
      close: () => closeAll(cleanups),
    };
  } catch (err) {
    await closeAll(cleanups);
    throw err;
  }
}
