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
