import type postgres from 'postgres';
import { recentAudit } from '../audit.js';
import type { StoredPolicy } from '../../core/policy.js';
import type { Routing, WorkspaceSettings } from '../../core/settings.js';

/** The settings page's reads and writes; every one takes the session's team and touches nothing else. */
export function createSettingsStore(sql: postgres.Sql) {
  /** Rows a workspace owns, table by table (storms through its incidents). */
  async function counts(tx: postgres.Sql | postgres.TransactionSql, teamId: string) {
    const [row] = await tx<Record<string, string>[]>`
      with mine as (select workflow_id from incidents where team_id = ${teamId})
      select
        (select count(*) from slack_installations where team_id = ${teamId}) as installations,
        (select count(*) from workspace_settings where team_id = ${teamId}) as settings,
        (select count(*) from mine) as incidents,
        (select count(*) from audit_events where team_id = ${teamId} or workflow_id in (select workflow_id from mine)) as audit_events,
        (select count(*) from storms where leader_workflow_id in (select workflow_id from mine)) as storms,
        (select count(*) from storm_members where workflow_id in (select workflow_id from mine)
          or storm_id in (select id from storms where leader_workflow_id in (select workflow_id from mine))) as storm_members`;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
  }

  return {
    async read(teamId: string): Promise<WorkspaceSettings & { saved: boolean }> {
      const rows = await sql<{ alert_channels: string[]; approvers: string[]; routing: Routing; policy: StoredPolicy }[]>`
        select alert_channels, approvers, routing, policy from workspace_settings where team_id = ${teamId}`;
      const r = rows[0];
      return { alertChannels: r?.alert_channels ?? [], approvers: r?.approvers ?? [], routing: r?.routing ?? {}, policy: r?.policy ?? {}, saved: !!r };
    },

    async setChannels(teamId: string, channels: string[]): Promise<void> {
      await sql`
        insert into workspace_settings (team_id, alert_channels) values (${teamId}, ${channels})
        on conflict (team_id) do update set alert_channels = excluded.alert_channels, updated_at = now()`;
    },

    async save(teamId: string, s: Omit<WorkspaceSettings, 'alertChannels'>): Promise<void> {
      await sql`
        insert into workspace_settings (team_id, approvers, routing, policy)
        values (${teamId}, ${s.approvers}, ${sql.json(s.routing as postgres.JSONValue)}, ${sql.json(s.policy as postgres.JSONValue)})
        on conflict (team_id) do update set approvers = excluded.approvers, routing = excluded.routing,
          policy = excluded.policy, updated_at = now()`;
    },

    /** The workspace's incidents; `includeUnscoped` adds rows without a team (one-workspace deployments only). */
    async incidents(teamId: string, { limit = 25, includeUnscoped = false } = {}) {
      return await sql<{ workflow_id: string; alert_name: string; severity: string; status: string; namespace: string | null; channel: string | null; alert_ts: string | null; created_at: Date }[]>`
        select workflow_id, alert_name, severity, status, namespace, channel, alert_ts, created_at from incidents
        where team_id = ${teamId} or (${includeUnscoped} and team_id is null)
        order by created_at desc limit ${limit}`;
    },

    counts: (teamId: string) => counts(sql, teamId),
    audit: (teamId: string, limit = 20) => recentAudit(sql, { teamId, limit }),

    /** Deletes everything the workspace owns in one transaction; returns what went and what is left (all zeros). */
    async forget(teamId: string) {
      return await sql.begin(async (tx) => {
        const mine = tx`select workflow_id from incidents where team_id = ${teamId}`;
        const stormIds = tx`select id from storms where leader_workflow_id in (${mine})`;
        const deleted = {
          storm_members: (await tx`delete from storm_members where workflow_id in (${mine}) or storm_id in (${stormIds})`).count,
          storms: (await tx`delete from storms where leader_workflow_id in (${mine})`).count,
          audit_events: (await tx`delete from audit_events where team_id = ${teamId} or workflow_id in (${mine})`).count,
          report_feedback: (await tx`delete from report_feedback where team_id = ${teamId} or workflow_id in (${mine})`).count,
          incidents: (await tx`delete from incidents where team_id = ${teamId}`).count,
          settings: (await tx`delete from workspace_settings where team_id = ${teamId}`).count,
          installations: (await tx`delete from slack_installations where team_id = ${teamId}`).count,
        };
        return { deleted, left: await counts(tx, teamId) };
      });
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
