import type postgres from 'postgres';

/** The reads the server makes from PostgreSQL; writes belong to the workflow's activities. */
export function createServerStore(sql: postgres.Sql) {
  return {
    /** The incident whose report message this is, so a button or reaction can only address its own incident. */
    async findIncidentByReport(channel: string, ts: string): Promise<{ workflowId: string } | undefined> {
      const rows = await sql<{ workflow_id: string }[]>`
        select workflow_id from incidents where channel = ${channel} and report_ts = ${ts} limit 1`;
      return rows[0] ? { workflowId: rows[0].workflow_id } : undefined;
    },

    /** First channel any workspace chose for alerts in settings. */
    async firstSettingsChannel(): Promise<{ channel: string; teamId: string } | undefined> {
      const rows = await sql<{ team_id: string; channel: string }[]>`
        select team_id, alert_channels[1] as channel from workspace_settings
        where cardinality(alert_channels) > 0 order by updated_at limit 1`;
      return rows[0] ? { channel: rows[0].channel, teamId: rows[0].team_id } : undefined;
    },

    async recentIncidents(limit = 20) {
      return await sql<{ workflow_id: string; alert_name: string; severity: string; status: string; namespace: string | null; channel: string | null; created_at: Date }[]>`
        select workflow_id, alert_name, severity, status, namespace, channel, created_at
        from incidents order by created_at desc limit ${limit}`;
    },
  };
}

export type ServerStore = ReturnType<typeof createServerStore>;
