import type postgres from 'postgres';
import { OPEN_STATUSES, slackPermalink, type DigestIncident } from '../core/digest.js';
import type { IncidentStatus } from '../core/incident.js';

export interface DigestDeps {
  sql: postgres.Sql;
}

/** Most incidents one digest run lists; beyond that a channel has bigger problems than a long message. */
const LIMIT = 500;

interface IncidentRow {
  workflow_id: string;
  team_id: string | null;
  channel: string;
  alert_name: string;
  severity: string;
  namespace: string | null;
  status: IncidentStatus;
  created_at: Date;
  alert_ts: string | null;
}

export function createDigestActivities({ sql }: DigestDeps) {
  return {
    /** Unresolved incidents that have a channel, oldest first, with a link to each alert's thread. */
    async listOpenIncidents({ teamId }: { teamId?: string }): Promise<DigestIncident[]> {
      const rows = await sql<IncidentRow[]>`
        select workflow_id, team_id, channel, alert_name, severity, namespace, status, created_at, alert_ts
        from incidents
        where resolved_at is null and channel is not null and status in ${sql(OPEN_STATUSES as string[])}
          ${teamId ? sql`and team_id = ${teamId}` : sql``}
        order by created_at, workflow_id
        limit ${LIMIT}`;
      return rows.map((r) => ({
        workflowId: r.workflow_id,
        ...(r.team_id ? { teamId: r.team_id } : {}),
        channel: r.channel,
        alertName: r.alert_name,
        severity: r.severity,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        status: r.status,
        createdAt: r.created_at.toISOString(),
        ...(r.alert_ts ? { link: slackPermalink(r.channel, r.alert_ts) } : {}),
      }));
    },
  };
}
