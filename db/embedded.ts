import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type postgres from 'postgres';
import { acquireLockFile } from './lock-file.js';

export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files, e.g. `.data/pglite`; created if missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 (default) lets the kernel pick a free one. */
  port?: number;
}

export interface EmbeddedPostgres {
  /** postgres:// URL of the socket server. */
  url: string;
  /** What to pass to `postgres(url, options)`: one connection, because PGlite is a single session. */
  options: postgres.Options<Record<string, never>>;
  /** Closes the socket server, then PGlite, then releases the data directory. Safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
export const LOCK_FILE_NAME = 'lookout.lock';

/**
 * PGlite persisted in `dataDir`, served over the PostgreSQL wire protocol so the app uses postgres.js either way.
 * TCP on loopback port 0: the kernel hands out a free port without a probe-then-bind race, the URL works for every
 * client (psql included), and unix socket paths are capped at ~107 bytes, which deep data directories exceed.
 */
export async function startEmbeddedPostgres({ dataDir, port = 0 }: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const lock = await acquireLockFile(path.join(dir, LOCK_FILE_NAME), dir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create(dir);
    // One client at a time: PGlite is one backend session, so two clients would interleave each other's
    // extended-protocol messages and share transactions.
    server = new PGLiteSocketServer({ db, host: HOST, port, maxConnections: 1 });
    await server.start();
  } catch (error) {
    await server?.stop().catch(() => {});
    await db?.close().catch(() => {});
    await lock.release();
    throw error;
  }
  const actualPort = Number(server.getServerConn().split(':').pop());
  const options: postgres.Options<Record<string, never>> = {
    host: HOST,
    port: actualPort,
    username: 'postgres',
    database: 'postgres',
    max: 1,
    // Keep the one connection for the life of the process: the server admits a single client, and a recycled
    // connection's replacement could arrive before the old socket's close is processed and be refused.
    max_lifetime: null,
    idle_timeout: 0,
    connect_timeout: 10,
    onnotice: () => {},
  };
  const url = `postgres://postgres@${HOST}:${actualPort}/postgres`;

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await server.stop();
        await db.close();
      } finally {
        await lock.release();
      }
    })();
    return stopping;
  };
  return { url, options, stop };
}
