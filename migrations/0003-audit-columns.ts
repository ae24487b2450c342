import type { MigrationParams } from '../db/migrate.js';

/** Audit events say what was done to what and how it ended, and read newest first per workspace for `/lookout status`. */
export async function up({ context: sql }: MigrationParams): Promise<void> {
  await sql`alter table audit_events add column action text, add column target text, add column outcome text`;
  await sql`create index audit_events_team_created_idx on audit_events (team_id, created_at desc)`;
}

export async function down({ context: sql }: MigrationParams): Promise<void> {
  await sql`drop index if exists audit_events_team_created_idx`;
  await sql`alter table audit_events drop column if exists action, drop column if exists target, drop column if exists outcome`;
}
