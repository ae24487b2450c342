import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Lookout's Prometheus metrics, served at GET /metrics. One registry per process; tests make their own. */
export function createMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry, prefix: 'lookout_process_' });
  const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  return {
    registry,
    alertsReceived: new Counter({
      name: 'lookout_alerts_received_total', help: 'Alerts received, by source and status', labelNames: ['source', 'status'], registers: [registry],
    }),
    alertsRejected: new Counter({
      name: 'lookout_alerts_rejected_total', help: 'Alert requests refused, by endpoint and reason', labelNames: ['endpoint', 'reason'], registers: [registry],
    }),
    workflowsStarted: new Counter({
      name: 'lookout_workflows_started_total', help: 'Incident workflow starts, by outcome (started or duplicate)', labelNames: ['outcome'], registers: [registry],
    }),
    reportsPosted: new Counter({ name: 'lookout_reports_posted_total', help: 'Threaded reports posted', registers: [registry] }),
    approvals: new Counter({
      name: 'lookout_decisions_total', help: 'Approve/reject decisions sent to incidents, by decision and channel', labelNames: ['decision', 'via'], registers: [registry],
    }),
    remediations: new Counter({
      name: 'lookout_remediations_total', help: 'Remediations run, by action and outcome', labelNames: ['action', 'outcome'], registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'lookout_alert_ack_seconds', help: 'Time to hand an alert request to Temporal', labelNames: ['endpoint'], buckets: latencyBuckets, registers: [registry],
    }),
    reportLatency: new Histogram({
      name: 'lookout_report_latency_seconds', help: 'Time from receiving an alert to posting its report', buckets: latencyBuckets, registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
