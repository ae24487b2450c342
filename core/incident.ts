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
  /**
   * The Slack action this decision came from (user, action or event ts, what was pressed). A decision delivered twice,
   * e.g. a signal resent after its answer was lost, carries the same id and is taken once.
   */
  id?: string;
  /** The message a button was pressed on, when the server could not check it was this incident's report. */
  report?: { channel: string; ts: string };
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
  /** What each proposal would change, by proposal ID, from a server-side dry run where the API supports one. */
  previews?: Record<string, RemediationPreview>;
  /** Where to look further: Prometheus graph, Sentry issue, ArgoCD application. */
  links?: ReportLink[];
  /** Proposals approved once that still need a second approver: their buttons stay. */
  awaitingSecondApproval?: string[];
  /** Set once the incident no longer accepts decisions (resolved, rejected, remediated). */
  closedReason?: string;
}

/** A proposal's effect as the target API previewed it (`dryRun: All`), or why it could not be previewed. */
export interface RemediationPreview {
  ok: boolean;
  /** One or two lines: `memory limit 256Mi → 384Mi (dry run accepted)`, or the API's refusal in plain words. */
  text: string;
}

export interface ReportLink {
  label: string;
  url: string;
}
