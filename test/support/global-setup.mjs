// Runs outside jest's module system, so TypeScript helpers are loaded through tsx.
import { execFileSync } from 'node:child_process';
import { tsImport } from 'tsx/esm/api';

/** One real, in-memory Temporal dev server for the whole test run; tests find it through TEMPORAL_ADDRESS. */
export default async function globalSetup() {
  if (process.env.TEMPORAL_ADDRESS) return;
  const { freePort } = await tsImport('../../scripts/lib/ports.ts', import.meta.url);
  const { startTemporalDevServer } = await tsImport('../../scripts/lib/temporal-dev-server.ts', import.meta.url);
  const binary = execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8' }).trim();
  const server = await startTemporalDevServer({ binary, port: await freePort(), ui: false });
  globalThis.__temporalDevServer = server;
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_BINARY = binary;
}
