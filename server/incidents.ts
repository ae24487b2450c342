import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { incidentWorkflowId, type Alert } from '../core/alert.js';
import type { Decision } from '../core/incident.js';
import type { Config } from '../core/config.js';
import type { Metrics } from '../core/metrics.js';
import { stormKey } from '../core/storm.js';
import { incidentWorkflow } from '../workflows/incident.js';
import { reminderWorkflow, type ReminderInput } from '../workflows/reminders.js';
import * as sa from '../workflows/search-attributes.js';
import { alertResolvedSignal, decisionSignal, getIncidentQuery, type IncidentInput } from '../workflows/types.js';

export interface IncidentGateway {
  /** Starts the alert's incident, or finds it already started: a repeated delivery never starts a second one. */
  open(alert: Alert, where: { channel: string; teamId?: string }): Promise<{ workflowId: string; outcome: 'started' | 'duplicate' }>;
  /** Tells the alert's open incident that it resolved; false when no incident is open for it. */
  resolve(alert: Alert): Promise<boolean>;
  /** The same, for an incident found by other means (a `[RESOLVED]` Slack message has its own ts). */
  resolveWorkflow(workflowId: string, at: string): Promise<boolean>;
  decide(workflowId: string, decision: Decision): Promise<boolean>;
  /** A durable reminder; the same request ID never schedules two. */
  remind(input: ReminderInput, requestId: string): Promise<{ workflowId: string; outcome: 'started' | 'duplicate' }>;
  /**
   * Where the incident's report is and which workspace it belongs to, asked of the workflow itself; undefined when it
   * is not open; `unknown` when no worker answered in time (the workflow then checks the report itself).
   */
  reportOf(workflowId: string): Promise<{ channel?: string; ts?: string; teamId?: string; unknown?: boolean } | undefined>;
}

export interface GatewayOptions {
  taskQueue: string;
  metrics?: Metrics;
  /** The LLM agent's budgets, given to every incident when the LLM is configured; without it the analyser alone decides. */
  agent?: IncidentInput['agent'];
  /** Reminders, time to live, verification and storm window (Config['incidents']); workflow defaults otherwise. */
  waiting?: Config['incidents'];
}

export function createIncidentGateway(client: Client, opts: GatewayOptions): IncidentGateway {
  return {
    async open(alert, where) {
      const workflowId = incidentWorkflowId(alert);
      try {
        await client.workflow.start(incidentWorkflow, {
          workflowId,
          taskQueue: opts.taskQueue,
          args: [{
            alert, channel: where.channel, teamId: where.teamId, receivedAt: new Date().toISOString(),
            ...(opts.agent ? { agent: opts.agent } : {}),
            ...waitingInput(alert, where.channel, opts.waiting),
          }],
          // The audit trail's one-line summary in the Temporal UI's list and detail views.
          memo: { summary: `${alert.name}: ${alert.summary}`, source: alert.source, target: alert.target },
          // A second start for the same firing fails, whether its incident is still open or already closed.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: sa.AlertName, value: alert.name },
            { key: sa.AlertSource, value: alert.source },
            { key: sa.Severity, value: alert.severity },
            { key: sa.IncidentStatus, value: 'investigating' },
            ...(alert.target.namespace ? [{ key: sa.K8sNamespace, value: alert.target.namespace }] : []),
          ],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        opts.metrics?.workflowsStarted.inc({ outcome: 'duplicate' });
        return { workflowId, outcome: 'duplicate' };
      }
      opts.metrics?.workflowsStarted.inc({ outcome: 'started' });
      return { workflowId, outcome: 'started' };
    },

    async resolve(alert) {
      return await signalIfOpen(() => client.workflow.getHandle(incidentWorkflowId(alert)).signal(alertResolvedSignal, {
        at: alert.endsAt ?? new Date().toISOString(), endsAt: alert.endsAt,
      }));
    },

    async resolveWorkflow(workflowId, at) {
      return await signalIfOpen(() => client.workflow.getHandle(workflowId).signal(alertResolvedSignal, { at }));
    },

    async decide(workflowId, decision) {
      return await signalIfOpen(() => client.workflow.getHandle(workflowId).signal(decisionSignal, decision));
    },

    async remind(input, requestId) {
      const workflowId = `reminder-${requestId}`;
      try {
        await client.workflow.start(reminderWorkflow, {
          workflowId, taskQueue: opts.taskQueue, args: [input], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        return { workflowId, outcome: 'started' };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, outcome: 'duplicate' };
        throw err;
      }
    },

    async reportOf(workflowId) {
      try {
        // A query needs a worker; while none polls (a restart, a crash) the answer is "unknown", not a long wait.
        const state = await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => client.workflow.getHandle(workflowId).query(getIncidentQuery));
        return { channel: state.channel, ts: state.reportTs, teamId: await startedFor(client, workflowId) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        if (isDeadline(err)) {
          const teamId = await startedFor(client, workflowId).catch(() => undefined);
          return { unknown: true, teamId };
        }
        throw err;
      }
    },
  };
}

function waitingInput(alert: Alert, channel: string, waiting: Config['incidents'] | undefined): Partial<IncidentInput> {
  if (!waiting) return {};
  return {
    decisionTimeout: waiting.approvalTtlMs,
    reminders: { every: waiting.reminderEveryMs, escalateAfter: waiting.escalateAfterReminders },
    verifyAfter: waiting.verifyAfterMs,
    ...(waiting.stormWindowMs > 0 ? { storm: { key: stormKey(alert, { channel: alert.slack?.channel ?? channel }), windowMs: waiting.stormWindowMs } } : {}),
  };
}

/** The workspace an incident was started for, read from its start event (its state does not carry it). */
const QUERY_DEADLINE_MS = 3_000;

function isDeadline(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number } };
  // gRPC DEADLINE_EXCEEDED (4), possibly wrapped by the client.
  return e?.code === 4 || e?.cause?.code === 4 || /deadline/i.test(String((err as Error)?.message ?? ''));
}

async function startedFor(client: Client, workflowId: string): Promise<string | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace, execution: { workflowId }, maximumPageSize: 1,
  });
  const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? client.options.loadedDataConverter.payloadConverter.fromPayload<IncidentInput>(payload).teamId : undefined;
}

async function signalIfOpen(send: () => Promise<void>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
