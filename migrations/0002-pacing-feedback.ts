import type { MigrationParams } from '../db/migrate.js';

/** Per-channel posting slots, feedback reactions on reports, and the alert fingerprint that matches [RESOLVED] messages. */
export async function up({ context: sql }: MigrationParams): Promise<void> {
  await sql`
    create table slack_channel_pacing (
      team_id text not null,
      channel text not null,
      next_slot timestamptz not null,
      primary key (team_id, channel)
    )`;
  await sql`
    create table report_feedback (
      id bigserial primary key,
      workflow_id text not null,
      team_id text,
      user_id text not null,
      reaction text not null,
      sentiment text not null check (sentiment in ('useful', 'not_useful', 'other')),
      created_at timestamptz not null default now(),
      unique (workflow_id, user_id, reaction)
    )`;
  await sql`alter table incidents add column alert_fingerprint text`;
  await sql`create index incidents_open_fingerprint on incidents (channel, alert_fingerprint) where resolved_at is null`;
}

export async function down({ context: sql }: MigrationParams): Promise<void> {
  await sql`drop index if exists incidents_open_fingerprint`;
  await sql`alter table incidents drop column if exists alert_fingerprint`;
  await sql`drop table if exists report_feedback`;
  await sql`drop table if exists slack_channel_pacing`;
}
