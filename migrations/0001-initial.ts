import type { MigrationParams } from '../db/migrate.js';

/** Installations, per-workspace settings, incidents and their audit trail. */
export async function up({ context: sql }: MigrationParams): Promise<void> {
  await sql.unsafe(`
    create table slack_installations (
      id bigserial primary key,
      enterprise_id text,
      team_id text,
      is_enterprise_install boolean not null default false,
      bot_user_id text,
      bot_token_enc text,
      user_token_enc text,
      installation_enc text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- One row per workspace or org; coalesce because a unique index treats NULLs as distinct.
    create unique index slack_installations_enterprise_team_key
      on slack_installations ((coalesce(enterprise_id, '')), (coalesce(team_id, '')));

    create table workspace_settings (
      team_id text primary key,
      alert_channels text[] not null default '{}',
      approvers text[] not null default '{}',
      routing jsonb not null default '{}',
      policy jsonb not null default '{}',
      updated_at timestamptz not null default now()
    );

    create table incidents (
      workflow_id text primary key,
      team_id text,
      alert_name text not null,
      source text not null,
      severity text not null,
      namespace text,
      status text not null,
      alert jsonb not null,
      channel text,
      alert_ts text,
      report_ts text,
      approved_by text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      resolved_at timestamptz
    );
    create index incidents_team_status_idx on incidents (team_id, status);
    create index incidents_channel_report_ts_idx on incidents (channel, report_ts);
    create index incidents_channel_alert_ts_idx on incidents (channel, alert_ts);

    create table audit_events (
      id bigserial primary key,
      workflow_id text,
      team_id text,
      type text not null,
      actor text,
      detail jsonb not null default '{}',
      idempotency_key text unique,
      created_at timestamptz not null default now()
    );
    create index audit_events_workflow_idx on audit_events (workflow_id, id);
  `);
}

export async function down({ context: sql }: MigrationParams): Promise<void> {
  await sql.unsafe('drop table audit_events, incidents, workspace_settings, slack_installations');
}
