import type postgres from 'postgres';
import { alertFingerprint, type Alert } from '../core/alert.js';
import type { IncidentStatus, RemediationOutcome } from '../core/incident.js';
import type { RemediationLedger } from './remediation.js';

export interface StoreDeps {
  sql: postgres.Sql;
  /** Approvers from the environment (APPROVERS); settings add per-workspace ones. */
  approvers: string[];
  /** Sandbox only: anyone may approve. */
  approveAnyone: boolean;
}

export interface RecordIncidentInput {
  workflowId: string;
  teamId?: string;
  alert: Alert;
  status: IncidentStatus;
  channel?: string;
  alertTs?: string;
  reportTs?: string;
  approvedBy: string[];
  /** The audit event for this change, written in the same transaction as the row. */
  event: { type: string; detail?: Record<string, unknown> };
}

export interface RecordAuditInput {
  workflowId: string;
  teamId?: string;
  type: string;
  actor?: string;
  /** What was done, in plain words or as the tool name (`deployments_scale`, `approve`). */
  action?: string;
  /** What it was done to, e.g. `shop/deployment/cart`. */
  target?: string;
  /** How it ended, e.g. `allowed`, `refused`, `applied`, `failed`. */
  outcome?: string;
  detail?: Record<string, unknown>;
}

export function createStoreActivities({ sql, approvers, approveAnyone }: StoreDeps) {
  return {
    /** Upserts the incident's row, the index the settings page and `/lookout status` read. */
    async recordIncident(i: RecordIncidentInput): Promise<void> {
      const closed = ['resolved', 'rejected', 'failed'].includes(i.status);
      await sql.begin(async (tx) => {
        await tx`
          insert into incidents (workflow_id, team_id, alert_name, source, severity, namespace, status, alert, channel,
                                 alert_ts, report_ts, approved_by, resolved_at, alert_fingerprint)
          values (${i.workflowId}, ${i.teamId ?? null}, ${i.alert.name}, ${i.alert.source}, ${i.alert.severity},
                  ${i.alert.target.namespace ?? null}, ${i.status}, ${sql.json(i.alert as never)}, ${i.channel ?? null},
                  ${i.alertTs ?? null}, ${i.reportTs ?? null}, ${i.approvedBy}, ${closed ? sql`now()` : null},
                  ${alertFingerprint(i.alert)})
          on conflict (workflow_id) do update set
            status = excluded.status, channel = excluded.channel, alert_ts = excluded.alert_ts,
            report_ts = excluded.report_ts, approved_by = excluded.approved_by, resolved_at = excluded.resolved_at,
            updated_at = now()`;
        await tx`
          insert into audit_events (workflow_id, team_id, type, detail)
          values (${i.workflowId}, ${i.teamId ?? null}, ${i.event.type}, ${tx.json((i.event.detail ?? {}) as never)})`;
      });
    },

    /** The Slack messages an incident has posted so far, as its index row remembers them (openIncident's retries). */
    async findIncidentMessages({ workflowId }: { workflowId: string }): Promise<{ channel?: string; alertTs?: string; reportTs?: string } | undefined> {
      const [row] = await sql<{ channel: string | null; alert_ts: string | null; report_ts: string | null }[]>`
        select channel, alert_ts, report_ts from incidents where workflow_id = ${workflowId}`;
      return row && { channel: row.channel ?? undefined, alertTs: row.alert_ts ?? undefined, reportTs: row.report_ts ?? undefined };
    },

    /** Remembers a message the incident just posted, so no retry posts it again and reactions on it find the incident. */
    async noteIncidentMessages({ workflowId, channel, alertTs, reportTs }: { workflowId: string; channel: string; alertTs?: string; reportTs?: string }): Promise<void> {
      await sql`
        update incidents set channel = ${channel}, alert_ts = coalesce(${alertTs ?? null}, alert_ts),
          report_ts = coalesce(${reportTs ?? null}, report_ts), updated_at = now()
        where workflow_id = ${workflowId}`;
    },

    async recordAudit(a: RecordAuditInput): Promise<void> {
      await sql`
        insert into audit_events (workflow_id, team_id, type, actor, action, target, outcome, detail)
        values (${a.workflowId}, ${a.teamId ?? null}, ${a.type}, ${a.actor ?? null}, ${a.action ?? null}, ${a.target ?? null},
                ${a.outcome ?? null}, ${sql.json((a.detail ?? {}) as never)})`;
    },

    /** Who may approve in this workspace: the environment's list plus the workspace settings. */
    async listApprovers({ teamId }: { teamId?: string }): Promise<{ anyone: boolean; userIds: string[] }> {
      const rows = teamId ? await sql<{ approvers: string[] }[]>`select approvers from workspace_settings where team_id = ${teamId}` : [];
      const userIds = [...new Set([...approvers, ...(rows[0]?.approvers ?? [])])];
      return { anyone: approveAnyone, userIds };
    },
  };
}

/** Remediation outcomes live in the audit table under their idempotency key, which is unique there. */
export function createLedger(sql: postgres.Sql): RemediationLedger {
  return {
    async find(key) {
      const rows = await sql<{ detail: RemediationOutcome }[]>`
        select detail from audit_events where idempotency_key = ${key} and type = 'remediation.applied'`;
      return rows[0]?.detail;
    },
    async record(key, outcome, meta) {
      await sql`
        insert into audit_events (workflow_id, type, actor, detail, idempotency_key)
        values (${meta.workflowId}, 'remediation.applied', ${meta.actor}, ${sql.json({ ...outcome, action: meta.action } as never)}, ${key})
        on conflict (idempotency_key) do nothing`;
    },
  };
}
