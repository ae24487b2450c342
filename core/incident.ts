import type { Alert } from './alert.js';
import type { Diagnosis } from './diagnosis.js';

export type IncidentStatus = 'investigating' | 'awaiting_approval' | 'remediating' | 'resolved' | 'rejected' | 'failed';

/** A person's answer to one proposal, from a button or a reaction. */
export interface Decision {
  proposalId: string;
  decision: 'approve' | 'reject';
  userId: string;
  teamId?: string;
  /** ISO time the person acted, as Slack reported it. */
  at: string;
  via: 'button' | 'reaction';
}

export interface RemediationOutcome {
  proposalId: string;
  ok: boolean;
  /** What changed, 'before → after', or why nothing did. */
  summary: string;
  alreadyDone?: boolean;
}

/** Everything needed to draw the report message; re-rendered whenever a decision changes it. */
export interface ReportView {
  workflowId: string;
  alert: Alert;
  diagnosis: Diagnosis;
  decisions: Decision[];
  outcomes: RemediationOutcome[];
  auditUrl: string;
  /** Set once the incident no longer accepts decisions (resolved, rejected, remediated). */
  closedReason?: string;
}
