import path from 'node:path';
import type { Logger } from 'pino';
import postgres from 'postgres';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

export { DataDirInUseError } from './lock-file.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.js';
export { migrate, migrateDown, type Migration, type MigrationParams } from './migrate.js';

export interface Database {
  sql: postgres.Sql;
  /** DATABASE_URL as given, or the embedded server's URL. */
  url: string;
  embedded: boolean;
  /** Ends the pool, then stops the embedded server if there is one. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** DATABASE_URL; unset or empty starts embedded PostgreSQL in `dataDir`. */
  url?: string;
  /** The app's data directory (`.data`); embedded PostgreSQL keeps its files in its `pglite/` subdirectory. */
  dataDir: string;
  log?: Logger;
}

/** Connects to PostgreSQL (or starts the embedded one) and applies pending migrations before returning. */
export async function openDatabase({ url, dataDir, log }: OpenDatabaseOptions): Promise<Database> {
  const started = performance.now();
  let embedded: EmbeddedPostgres | undefined;
  let sql: postgres.Sql;
  if (url) {
    sql = postgres(url, { max: 10, connect_timeout: 10, onnotice: () => {} });
  } else {
    // A subdirectory, because PGlite fills its directory with PGDATA and `.data` also holds Temporal's files.
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite') });
    sql = postgres(embedded.url, embedded.options);
  }
  const dbUrl = embedded?.url ?? url ?? '';

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing ??= (async () => {
      try {
        await sql.end({ timeout: 5 });
      } finally {
        await embedded?.stop();
      }
    })();
    return closing;
  };

  try {
    const applied = await migrate(sql, { log });
    const ms = Math.round(performance.now() - started);
    log?.info({ url: redact(dbUrl), embedded: !!embedded, applied, ms }, 'database ready');
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
  return { sql, url: dbUrl, embedded: !!embedded, close };
}

/** Resolves when PostgreSQL answers `select 1` within `timeoutMs`; used by /readyz. */
export async function checkDatabase(sql: postgres.Sql, { timeoutMs = 2000 } = {}): Promise<void> {
  const query = sql`select 1`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      query.cancel();
      reject(new Error(`PostgreSQL did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The URL with its password replaced, for logs and messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
