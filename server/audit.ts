import type postgres from 'postgres';

/** One audit event as `/lookout status` shows it. */
export interface AuditEvent {
  createdAt: Date;
  workflowId: string | null;
  type: string;
  actor: string | null;
  action: string | null;
  target: string | null;
  outcome: string | null;
  detail: Record<string, unknown>;
}

/** The workspace's newest audit events, newest first (served by audit_events_team_created_idx). */
export async function recentAudit(sql: postgres.Sql, { teamId, limit = 5 }: { teamId: string; limit?: number }): Promise<AuditEvent[]> {
  const rows = await sql<{
    created_at: Date; workflow_id: string | null; type: string; actor: string | null; action: string | null;
    target: string | null; outcome: string | null; detail: Record<string, unknown>;
  }[]>`
    select created_at, workflow_id, type, actor, action, target, outcome, detail from audit_events
    where team_id = ${teamId} order by created_at desc, id desc limit ${limit}`;
  return rows.map((r) => ({
    createdAt: r.created_at, workflowId: r.workflow_id, type: r.type, actor: r.actor, action: r.action, target: r.target,
    outcome: r.outcome, detail: r.detail,
  }));
}

/** Plain words for events written before they carried an action: `decision.approve` → `approved deployments_scale`. */
function impliedAction(e: AuditEvent): string {
  const [kind, what = ''] = e.type.split('.');
  const tool = typeof e.detail.action === 'string' ? ` \`${e.detail.action}\`` : '';
  if (kind === 'decision') return `${({ approve: 'approved', reject: 'rejected', refused: 'was refused on' } as Record<string, string>)[what] ?? what}${tool}`;
  if (kind === 'status') return `incident ${what.replace(/_/g, ' ')}`;
  return e.type.replace(/[._]/g, ' ');
}

/** `2024-05-01 14:02 UTC · <@U1> · approved `pods_delete` · shop/cart-7d9f → allowed` */
export function describeAuditEvent(e: AuditEvent): string {
  const time = `${e.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const who = e.actor ? `<@${e.actor}>` : 'Lookout';
  const parts = [time, who, e.action ?? impliedAction(e), ...(e.target ? [e.target] : [])];
  return `${parts.join(' · ')}${e.outcome ? ` → ${e.outcome}` : ''}`;
}
