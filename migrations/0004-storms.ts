import type { MigrationParams } from '../db/migrate.js';

/** Alert storms: alerts sharing a storm key within a window join the first one's thread; every alert is recorded. */
export async function up({ context: sql }: MigrationParams): Promise<void> {
  await sql`
    create table storms (
      id bigserial primary key,
      key text not null,
      channel text not null,
      leader_workflow_id text not null,
      thread_ts text,
      opened_at timestamptz not null default now(),
      last_joined_at timestamptz not null default now(),
      closed_at timestamptz,
      members int not null default 1
    )`;
  // At most one open storm per key: the arbiter of who leads when alerts arrive at the same moment.
  await sql`create unique index storms_open_key on storms (key) where closed_at is null`;
  await sql`create index storms_key_opened on storms (key, opened_at)`;
  await sql`
    create table storm_members (
      storm_id bigint not null references storms (id) on delete cascade,
      storm_key text not null,
      workflow_id text not null,
      alert jsonb not null,
      joined_at timestamptz not null default now(),
      primary key (storm_id, workflow_id)
    )`;
  await sql`create index storm_members_key_workflow on storm_members (storm_key, workflow_id)`;
}

export async function down({ context: sql }: MigrationParams): Promise<void> {
  await sql`drop table if exists storm_members`;
  await sql`drop table if exists storms`;
}
