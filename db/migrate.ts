import type { Logger } from 'pino';
import type postgres from 'postgres';
import { Umzug, type RunnableMigration, type UmzugStorage } from 'umzug';
import { migrations as allMigrations } from '../migrations/index.js';

/** What a migration module receives: a connection already inside that migration's transaction. */
export interface MigrationParams {
  context: postgres.Sql;
}

export interface Migration {
  name: string;
  up(params: MigrationParams): Promise<void>;
  down(params: MigrationParams): Promise<void>;
}

export interface MigrateOptions {
  log?: Logger;
  /** Defaults to the project's list in migrations/index.ts; tests pass their own. */
  migrations?: readonly Migration[];
}

// Arbitrary but fixed: every Lookout process serialises schema changes on this advisory lock ('Look' in ASCII).
export const MIGRATION_LOCK_ID = 0x4c6f6f6b;

/** Applies every pending migration, one transaction each; returns the names applied, oldest first. */
export async function migrate(sql: postgres.Sql, options: MigrateOptions = {}): Promise<string[]> {
  return await withMigrator(sql, options, async (umzug) => (await umzug.up()).map((m) => m.name));
}

/** Reverts applied migrations newest first, down to and including `to` (0: all of them); returns the names reverted. */
export async function migrateDown(
  sql: postgres.Sql,
  { to, ...options }: MigrateOptions & { to: string | 0 },
): Promise<string[]> {
  return await withMigrator(sql, options, async (umzug) => (await umzug.down({ to })).map((m) => m.name));
}

/**
 * Runs `fn` on one reserved connection holding the session advisory lock, so a server and a worker starting together
 * apply each migration once: the second waits, then finds nothing pending.
 */
async function withMigrator<T>(
  sql: postgres.Sql,
  { log, migrations = allMigrations }: MigrateOptions,
  fn: (umzug: Umzug<postgres.Sql>) => Promise<T>,
): Promise<T> {
  const conn = await sql.reserve();
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await conn`
        create table if not exists schema_migrations (
          name text primary key,
          applied_at timestamptz not null default now()
        )`;
      const umzug = new Umzug<postgres.Sql>({
        migrations: migrations.map(transactional),
        // Umzug calls a function-valued context to build it, and a postgres.js Sql is a function.
        context: () => conn,
        storage: postgresStorage,
        logger: undefined,
      });
      umzug.on('migrated', ({ name }) => log?.info({ migration: name }, 'migration applied'));
      umzug.on('reverted', ({ name }) => log?.info({ migration: name }, 'migration reverted'));
      return await fn(umzug);
    } finally {
      // A broken connection has already dropped the lock with its session; keep the original error.
      await conn`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    }
  } finally {
    conn.release();
  }
}

/** Wraps a migration so its change and its schema_migrations row commit or roll back together. */
function transactional(migration: Migration): RunnableMigration<postgres.Sql> {
  return {
    name: migration.name,
    up: ({ context }) =>
      inTransaction(context, async () => {
        await migration.up({ context });
        await context`insert into schema_migrations (name) values (${migration.name})`;
      }),
    down: ({ context }) =>
      inTransaction(context, async () => {
        await migration.down({ context });
        await context`delete from schema_migrations where name = ${migration.name}`;
      }),
  };
}

// A reserved postgres.js connection has no begin(), so the transaction is spelled out.
async function inTransaction(conn: postgres.Sql, fn: () => Promise<void>): Promise<void> {
  await conn`begin`;
  try {
    await fn();
    await conn`commit`;
  } catch (error) {
    await conn`rollback`.catch(() => {});
    throw error;
  }
}

/** Umzug's view of schema_migrations; transactional() already writes the rows, so logging here is a no-op upsert. */
const postgresStorage: UmzugStorage<postgres.Sql> = {
  async executed({ context: sql }) {
    const rows = await sql<{ name: string }[]>`select name from schema_migrations order by name`;
    return rows.map((row) => row.name);
  },
  async logMigration({ name, context: sql }) {
    await sql`insert into schema_migrations (name) values (${name}) on conflict (name) do nothing`;
  },
  async unlogMigration({ name, context: sql }) {
    await sql`delete from schema_migrations where name = ${name}`;
  },
};
