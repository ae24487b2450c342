import type { MigrationParams } from '../db/migrate.js';

/** Storm members join the leader's incident, not its thread: the storm's thread ts is no longer kept. */
export async function up({ context: sql }: MigrationParams): Promise<void> {
  await sql`alter table storms drop column if exists thread_ts`;
}

export async function down({ context: sql }: MigrationParams): Promise<void> {
  await sql`alter table storms add column if not exists thread_ts text`;
}
