import { recentAudit } from './audit.js';
import type postgres from 'postgres';

/** What the server reads from PostgreSQL (incident writes belong to the workflow's activities). */
export function createServerStore(sql: postgres.Sql) {
  return {
    /** The workspace's latest audit events, newest first, for `/lookout status`. */
    recentAudit: (teamId: string, limit: number) => recentAudit(sql, { teamId, limit }),
    /** The incident whose report message this is, so a button or reaction can only address its own incident. */
    async findIncidentByReport(channel: string, ts: string): Promise<{ workflowId: string; teamId?: string } | undefined> {
      const rows = await sql<{ workflow_id: string; team_id: string | null }[]>`
        select workflow_id, team_id from incidents where channel = ${channel} and report_ts = ${ts} limit 1`;
      return rows[0] ? { workflowId: rows[0].workflow_id, teamId: rows[0].team_id ?? undefined } : undefined;
    },

    /** A decision refused before it reached any incident (forged, stale or another workspace's button). */
    async recordRefusal(r: { workflowId?: string; teamId?: string; userId: string; reason: string; detail?: Record<string, unknown> }): Promise<void> {
      await sql`
        insert into audit_events (workflow_id, team_id, type, actor, outcome, detail)
        values (${r.workflowId ?? null}, ${r.teamId ?? null}, 'decision.refused', ${r.userId}, 'refused',
                ${sql.json({ reason: r.reason, ...r.detail } as never)})`;
    },

    /** First channel any workspace chose for alerts in settings. */
    async firstSettingsChannel(): Promise<{ channel: string; teamId: string } | undefined> {
      const rows = await sql<{ team_id: string; channel: string }[]>`
        select team_id, alert_channels[1] as channel from workspace_settings
        where cardinality(alert_channels) > 0 order by updated_at limit 1`;
      return rows[0] ? { channel: rows[0].channel, teamId: rows[0].team_id } : undefined;
    },

    /** Incidents in a channel that still take decisions or are being worked on. */
    async openIncidents(channel: string) {
      return await sql<{ workflow_id: string; alert_name: string; severity: string; status: string; namespace: string | null; report_ts: string | null; alert_ts: string | null; created_at: Date }[]>`
        select workflow_id, alert_name, severity, status, namespace, report_ts, alert_ts, created_at from incidents
        where channel = ${channel} and status in ('investigating', 'awaiting_approval', 'remediating')
        order by created_at desc limit 50`;
    },

    async workspaceSettings(teamId: string | undefined): Promise<{ alertChannels: string[]; approvers: string[] }> {
      if (!teamId) return { alertChannels: [], approvers: [] };
      const rows = await sql<{ alert_channels: string[]; approvers: string[] }[]>`
        select alert_channels, approvers from workspace_settings where team_id = ${teamId}`;
      return { alertChannels: rows[0]?.alert_channels ?? [], approvers: rows[0]?.approvers ?? [] };
    },

    /** The open incident a `[RESOLVED]` message in this channel is about. */
    async findOpenIncidentByFingerprint(channel: string, fingerprint: string): Promise<{ workflowId: string } | undefined> {
      const rows = await sql<{ workflow_id: string }[]>`
        select workflow_id from incidents where channel = ${channel} and alert_fingerprint = ${fingerprint}
          and resolved_at is null order by created_at desc limit 1`;
      return rows[0] ? { workflowId: rows[0].workflow_id } : undefined;
    },

    /** A reaction on a report other than approve/reject: how useful people found the diagnosis. */
    async recordFeedback(f: { workflowId: string; teamId?: string; userId: string; reaction: string; sentiment: string }): Promise<void> {
      await sql`
        insert into report_feedback (workflow_id, team_id, user_id, reaction, sentiment)
        values (${f.workflowId}, ${f.teamId ?? null}, ${f.userId}, ${f.reaction}, ${f.sentiment})
        on conflict (workflow_id, user_id, reaction) do nothing`;
    },
  };
}

export type ServerStore = ReturnType<typeof createServerStore>;
