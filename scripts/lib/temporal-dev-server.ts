import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../../worker/search-attributes.js';

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary (see scripts/ensure-temporal.sh). */
  binary: string;
  port?: number;
  /** Web UI port; omit `ui` to run headless. */
  uiPort?: number;
  ui?: boolean;
  /** SQLite file that keeps history across restarts; omit for an in-memory server. */
  dbFile?: string;
  namespace?: string;
  /** Where the server's own log goes; defaults to discarding it. */
  logFile?: string;
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev`, waits until its frontend answers and registers the incident search attributes. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const { binary, port = 7233, uiPort = 8233, ui = true, dbFile, namespace = 'default', readyTimeoutMs = 60_000 } = options;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'warn');
  // Task priorities (an incident's first activity, openIncident, goes ahead of investigations in a backlog) need the
  // priority-aware matcher, which this server version ships switched off.
  args.push('--dynamic-config-value', 'matching.useNewMatcher=true');
  if (ui) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (dbFile) {
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `exited with ${signal ?? code}`; });

  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let connection: Connection | undefined;
  while (!connection) {
    if (exited) throw new Error(`Temporal dev server ${exited} before it was ready (is port ${port} or ${uiPort} in use?)`);
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
    } catch (err) {
      await connection?.close();
      connection = undefined;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not answer on ${address} within ${readyTimeoutMs} ms: ${String(err)}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }

  return {
    address,
    uiUrl: ui ? `http://localhost:${uiPort}` : undefined,
    process: child,
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
