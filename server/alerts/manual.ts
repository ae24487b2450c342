import type { Alert } from '../../core/alert.js';
import { shortHash } from '../../core/hash.js';

export interface ManualRequest {
  teamId: string;
  channel: string;
  userId: string;
  /** What the person typed after `diagnose`. */
  text: string;
  namespace?: string;
  pod?: string;
  /** Unique per invocation (Slack's trigger_id, or the mention's ts): a retried request opens nothing new. */
  requestId: string;
  now?: Date;
}

/** `/lookout diagnose ...` as an Alert, so it runs through the same incident workflow as any other. */
export function manualAlert(r: ManualRequest): Alert {
  const target = r.namespace && r.pod ? { namespace: r.namespace, pod: r.pod } : {};
  const what = r.namespace && r.pod ? `${r.namespace}/${r.pod}` : r.text;
  return {
    key: `manual-${shortHash({ teamId: r.teamId, channel: r.channel, requestId: r.requestId }, 24)}`,
    source: 'slack',
    status: 'firing',
    name: 'ManualDiagnosis',
    severity: 'info',
    summary: `Diagnosis requested by <@${r.userId}>: ${what}`,
    description: r.namespace && r.pod ? '' : r.text,
    labels: { alertname: 'ManualDiagnosis', requested_by: r.userId, ...(r.namespace ? { namespace: r.namespace } : {}), ...(r.pod ? { pod: r.pod } : {}) },
    annotations: {},
    startsAt: (r.now ?? new Date()).toISOString(),
    target,
  };
}
