import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Alert } from '../core/alert.js';
import type { Diagnosis } from '../core/diagnosis.js';
import type { Decision, IncidentStatus, RemediationOutcome, RemediationPreview } from '../core/incident.js';
import type { AgentLimits } from './agent.js';

export interface IncidentInput {
  alert: Alert;
  /** Channel the alert is posted to when it did not arrive as a Slack message. */
  channel: string;
  teamId?: string;
  /** When Lookout received the alert (ISO), for the alert-to-report latency metric. */
  receivedAt?: string;
  /** How long proposals wait for a decision before they expire (ms or a duration string like '24h'). */
  decisionTimeout?: Duration;
  /** Reminders in the thread while a decision is pending (default every 30 minutes), and a DM to the approvers at
   * reminder number `escalateAfter` (default 2). The decision timeout is the proposals' time to live. */
  reminders?: { every?: Duration; escalateAfter?: number };
  /** How long after a remediation its effect is checked (default 2 minutes); 0 skips the check. */
  verifyAfter?: Duration;
  /** Alerts with the same storm key within the window (default 10 minutes) join the first one's thread. */
  storm?: { key: string; windowMs?: number };
  /** Set when the LLM is configured: the agent's budgets and time limit (default 5 minutes) for this incident. */
  agent?: Partial<AgentLimits> & { timeout?: Duration };
}

export interface IncidentState {
  status: IncidentStatus;
  alert: Alert;
  channel?: string;
  alertTs?: string;
  reportTs?: string;
  diagnosis?: Diagnosis;
  /** Dry-run previews of the proposals, by proposal ID. */
  previews?: Record<string, RemediationPreview>;
  decisions: Decision[];
  refused: Decision[];
  outcomes: RemediationOutcome[];
  /** Destructive proposals approved once and waiting for a second approver. */
  awaitingSecondApproval?: string[];
  /** Set on an alert that joined a storm: the incident whose thread it joined. */
  stormLeader?: string;
  /** On a storm's first incident: how many other alerts have joined it. */
  stormMembers?: number;
  /** True once the incident no longer takes decisions. */
  closed?: boolean;
}

/** An alert that joined a storm, as its incident tells the storm's first incident. */
export interface StormMember {
  workflowId: string;
  alert: Alert;
}

export interface AlertResolvedInput {
  at: string;
  endsAt?: string;
}

/** A person approved or rejected a proposal (button or reaction). Authorisation is checked by the workflow. */
export const decisionSignal = defineSignal<[Decision]>('decision');
/** The monitoring system reported the alert resolved. */
export const alertResolvedSignal = defineSignal<[AlertResolvedInput]>('alertResolved');
export const getIncidentQuery = defineQuery<IncidentState>('getIncident');
/** Another alert of the same storm joined this incident's thread. */
export const stormMemberSignal = defineSignal<[StormMember]>('stormMember');
/** The storm's first incident closed; its members close with it. */
export const stormClosedSignal = defineSignal<[{ status: IncidentStatus; reason: string }]>('stormClosed');
