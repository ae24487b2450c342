// Throwaway databases on a real PostgreSQL server, for tests and the benchmark.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { redact } from '../../db/index.js';

export interface ScratchDatabase {
  url: string;
  /** Removes the database even while clients are still connected. */
  drop(): Promise<void>;
}

/** Why the server at `adminUrl` cannot be used (one line), or undefined when it answers. */
export async function postgresUnavailable(adminUrl: string, { timeoutSeconds = 2 } = {}): Promise<string | undefined> {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return `${redact(adminUrl)} did not answer (${(error as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A uniquely named, empty database beside the one `adminUrl` names (the role must be allowed to create databases). */
export async function createScratchDatabase(adminUrl: string, { prefix = 'lookout_scratch' } = {}): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)}`;
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql`drop database if exists ${sql(name)} with (force)`;
      } finally {
        await sql.end();
      }
    },
  };
}
