import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type postgres from 'postgres';
import { createScratchDatabase as createScratch, postgresUnavailable, type ScratchDatabase } from '../../scripts/lib/scratch-database.js';

/** A fresh empty directory under the OS temp dir, removed by the returned cleanup. */
export async function tempDir(prefix = 'lookout-db-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Server-level URL used to create and drop scratch databases on the real PostgreSQL. */
export const REAL_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why the real PostgreSQL cannot be used, or undefined when it answers. */
export async function realPostgresUnavailable(): Promise<string | undefined> {
  const reason = await postgresUnavailable(REAL_POSTGRES_URL);
  return reason && `${reason}; set TEST_POSTGRES_URL to use another server`;
}

/** A uniquely named, empty database on the real PostgreSQL; drop() removes it even while clients are connected. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  return await createScratch(REAL_POSTGRES_URL, { prefix: 'lookout_test' });
}

/** Each column as `udt_name` plus ` not null`, per table, exactly as all migrations should leave them. */
export const EXPECTED_COLUMNS: Record<string, Record<string, string>> = {
  schema_migrations: { name: 'text not null', applied_at: 'timestamptz not null' },
  slack_installations: {
    id: 'int8 not null',
    enterprise_id: 'text',
    team_id: 'text',
    is_enterprise_install: 'bool not null',
    bot_user_id: 'text',
    bot_token_enc: 'text',
    user_token_enc: 'text',
    installation_enc: 'text not null',
    created_at: 'timestamptz not null',
    updated_at: 'timestamptz not null',
  },
  workspace_settings: {
    team_id: 'text not null',
    alert_channels: '_text not null',
    approvers: '_text not null',
    routing: 'jsonb not null',
    policy: 'jsonb not null',
    updated_at: 'timestamptz not null',
  },
  incidents: {
    workflow_id: 'text not null',
    team_id: 'text',
    alert_name: 'text not null',
    source: 'text not null',
    severity: 'text not null',
    namespace: 'text',
    status: 'text not null',
    alert: 'jsonb not null',
    channel: 'text',
    alert_ts: 'text',
    report_ts: 'text',
    approved_by: '_text not null',
    created_at: 'timestamptz not null',
    updated_at: 'timestamptz not null',
    resolved_at: 'timestamptz',
    alert_fingerprint: 'text',
  },
  slack_channel_pacing: { team_id: 'text not null', channel: 'text not null', next_slot: 'timestamptz not null' },
  report_feedback: {
    id: 'int8 not null',
    workflow_id: 'text not null',
    team_id: 'text',
    user_id: 'text not null',
    reaction: 'text not null',
    sentiment: 'text not null',
    created_at: 'timestamptz not null',
  },
  storms: {
    id: 'int8 not null', key: 'text not null', channel: 'text not null', leader_workflow_id: 'text not null',
    opened_at: 'timestamptz not null', last_joined_at: 'timestamptz not null', closed_at: 'timestamptz', members: 'int4 not null',
  },
  storm_members: {
    storm_id: 'int8 not null', storm_key: 'text not null', workflow_id: 'text not null', alert: 'jsonb not null', joined_at: 'timestamptz not null',
  },
  audit_events: {
    id: 'int8 not null',
    workflow_id: 'text',
    team_id: 'text',
    type: 'text not null',
    actor: 'text',
    detail: 'jsonb not null',
    idempotency_key: 'text',
    created_at: 'timestamptz not null',
    action: 'text',
    target: 'text',
    outcome: 'text',
  },
};

/** The public schema's columns in the EXPECTED_COLUMNS format. */
export async function actualColumns(sql: postgres.Sql): Promise<Record<string, Record<string, string>>> {
  const rows = await sql<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }[]>`
    select table_name, column_name, udt_name, is_nullable
    from information_schema.columns
    where table_schema = 'public'
    order by table_name, ordinal_position`;
  const tables: Record<string, Record<string, string>> = {};
  for (const row of rows) {
    tables[row.table_name] ??= {};
    tables[row.table_name][row.column_name] = row.udt_name + (row.is_nullable === 'NO' ? ' not null' : '');
  }
  return tables;
}

/** Index name to definition for the public schema. */
export async function actualIndexes(sql: postgres.Sql): Promise<Record<string, string>> {
  const rows = await sql<{ indexname: string; indexdef: string }[]>`
    select indexname, indexdef from pg_indexes where schemaname = 'public'`;
  return Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef]));
}

/** Asserts the full 0001 schema: columns, indexes, defaults and the uniqueness rules, leaving no rows behind. */
export async function expectInitialSchema(sql: postgres.Sql): Promise<void> {
  expect(await actualColumns(sql)).toEqual(EXPECTED_COLUMNS);
  const indexes = await actualIndexes(sql);
  expect(indexes.slack_installations_enterprise_team_key).toMatch(
    /UNIQUE INDEX .* \(COALESCE\(enterprise_id, ''::text\), COALESCE\(team_id, ''::text\)\)/,
  );
  expect(indexes.incidents_team_status_idx).toMatch(/\(team_id, status\)$/);
  expect(indexes.incidents_channel_report_ts_idx).toMatch(/\(channel, report_ts\)$/);
  expect(indexes.incidents_channel_alert_ts_idx).toMatch(/\(channel, alert_ts\)$/);
  expect(indexes.audit_events_workflow_idx).toMatch(/\(workflow_id, id\)$/);
  expect(indexes.audit_events_idempotency_key_key).toMatch(/UNIQUE INDEX .*\(idempotency_key\)$/);
  expect(indexes.audit_events_team_created_idx).toMatch(/\(team_id, created_at DESC\)$/);

  const rollback = new Error('rollback');
  await expect(
    sql.begin(async (tx) => {
      const duplicate = (query: (sp: postgres.TransactionSql) => Promise<unknown>) =>
        expect(tx.savepoint(query)).rejects.toMatchObject({ code: '23505' });

      await tx`insert into slack_installations (team_id, installation_enc) values ('T1', 'enc')`;
      await duplicate((sp) => sp`insert into slack_installations (team_id, installation_enc) values ('T1', 'enc2')`);
      await tx`insert into slack_installations (enterprise_id, installation_enc, is_enterprise_install)
               values ('E1', 'enc', true)`;
      await duplicate((sp) => sp`insert into slack_installations (enterprise_id, installation_enc) values ('E1', 'x')`);
      await tx`insert into slack_installations (enterprise_id, team_id, installation_enc) values ('E1', 'T1', 'enc')`;
      const [installation] = await tx`select is_enterprise_install, created_at from slack_installations
                                      where team_id = 'T1' and enterprise_id is null`;
      expect(installation).toEqual({ is_enterprise_install: false, created_at: expect.any(Date) });

      const [settings] = await tx`insert into workspace_settings (team_id) values ('T1') returning *`;
      expect(settings).toEqual({
        team_id: 'T1', alert_channels: [], approvers: [], routing: {}, policy: {}, updated_at: expect.any(Date),
      });

      const [incident] = await tx`
        insert into incidents (workflow_id, alert_name, source, severity, status, alert)
        values ('wf-1', 'KubePodCrashLooping', 'alertmanager', 'critical', 'investigating', ${tx.json({ a: 1 })})
        returning approved_by, alert, resolved_at, created_at`;
      expect(incident).toEqual({ approved_by: [], alert: { a: 1 }, resolved_at: null, created_at: expect.any(Date) });

      await tx`insert into audit_events (type, idempotency_key) values ('approved', 'k1')`;
      await tx`insert into audit_events (type) values ('note'), ('note')`;
      await duplicate((sp) => sp`insert into audit_events (type, idempotency_key) values ('approved', 'k1')`);
      const [event] = await tx`select detail from audit_events where idempotency_key = 'k1'`;
      expect(event.detail).toEqual({});
      throw rollback;
    }),
  ).rejects.toBe(rollback);
}
