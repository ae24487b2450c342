// `npm start`: the whole stack on embedded defaults. Starts what is not configured (Temporal dev server, PostgreSQL,
// the Slack sandbox), runs migrations, then the worker and the HTTP server in this process. Ctrl-C stops it all.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, slackMode, type Config } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { createMetrics } from '../core/metrics.js';
import { openDatabase } from '../db/index.js';
import { startSandbox } from '../sandbox/index.js';
import { runServer } from '../server/run.js';
import { buildActivityDeps, startWorker } from '../worker/run.js';
import { isListening } from './lib/ports.js';
import { startTemporalDevServer } from './lib/temporal-dev-server.js';

// The terminal shows the banner and problems; LOG_LEVEL=info shows every step as JSON.
const log = createLogger('lookout', process.env.LOG_LEVEL ?? 'warn');
const cleanups: (() => Promise<void>)[] = [];
const began = Date.now();

async function stopAll() {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((err) => log.warn({ err }, 'shutdown step failed'));
  }
}

async function startTemporal(config: Config): Promise<{ address: string; uiUrl?: string }> {
  if (config.temporal.address) return { address: config.temporal.address };
  for (const port of [7233, 8233]) {
    if (await isListening(port)) throw new Error(`port ${port} is already in use: stop whatever holds it, or set TEMPORAL_ADDRESS to use that Temporal server`);
  }
  const binary = execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const dev = await startTemporalDevServer({
    binary, port: 7233, uiPort: 8233,
    dbFile: path.join(config.dataDir, 'temporal.db'), logFile: path.join(config.dataDir, 'temporal.log'),
  });
  cleanups.push(() => dev.stop());
  return { address: dev.address, uiUrl: dev.uiUrl };
}

async function main() {
  let config = loadConfig();
  fs.mkdirSync(config.dataDir, { recursive: true });

  const temporal = await startTemporal(config);
  config = { ...config, temporal: { ...config.temporal, address: temporal.address } };

  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log });
  cleanups.push(() => db.close());

  // Any Slack mode configured means a real Slack; none means the sandbox (single-workspace, against the emulator).
  const sandbox = slackMode(config.slack) ? undefined : await startSandbox(config);
  if (sandbox) {
    cleanups.push(() => sandbox.stop());
    config = sandbox.config;
  }

  const metrics = createMetrics();
  const worker = await startWorker(config, buildActivityDeps(config, db.sql, metrics), log);
  cleanups.push(() => worker.shutdown());
  const server = await runServer(config, db, metrics, log);
  cleanups.push(() => server.close());
  sandbox?.connect(server.url);

  const lines = [
    `Lookout is ready (${((Date.now() - began) / 1000).toFixed(1)} s)`,
    `  Settings and incidents   ${server.url}/`,
    server.mode === 'socket'
      ? '  Slack events             Socket Mode (SLACK_APP_TOKEN)'
      : `  Slack events endpoint    ${server.url}/slack/events`,
    ...(server.mode === 'oauth' ? [`  Install to a workspace   ${server.url}/slack/install`] : []),
    `  Alert webhooks           ${server.url}/alerts/alertmanager  ${server.url}/alerts/generic`,
    `  Health / metrics         ${server.url}/readyz  ${server.url}/metrics`,
    `  Temporal                 ${temporal.address}${temporal.uiUrl ? `  (Web UI ${temporal.uiUrl})` : ''}`,
    `  PostgreSQL               ${db.embedded ? `embedded, data in ${path.relative(process.cwd(), config.dataDir)}/` : 'DATABASE_URL'}`,
    ...(sandbox ? [
      `  Slack sandbox            ${sandbox.slack.url}/sandbox   <- open this, then press "Fire sample alert"`,
      '                           or: npm run alert -- --sample crashloop',
    ] : []),
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    void worker.done.then(() => resolve());
  });
  process.stdout.write('Stopping...\n');
  await stopAll();
}

main().catch(async (err) => {
  process.stderr.write(`lookout: ${err instanceof Error ? err.message : String(err)}\n`);
  log.debug({ err }, 'start-up failed');
  await stopAll();
  process.exit(1);
});
