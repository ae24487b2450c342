import { z } from 'zod';
import { kubernetesTarget, normaliseSeverity, type Alert } from '../../core/alert.js';
import { shortHash } from '../../core/hash.js';
import { alertQuery } from '../../core/promql.js';
import { parseOrThrow } from './validation.js';

const labelMap = z.record(z.string(), z.string({ error: 'must be a string' }));

const amAlert = z.object({
  status: z.enum(['firing', 'resolved'], { error: "must be 'firing' or 'resolved'" }),
  labels: labelMap.refine((l) => typeof l.alertname === 'string' && l.alertname !== '', {
    error: 'must include a non-empty alertname',
  }),
  annotations: labelMap.default({}),
  startsAt: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' }),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/i, { error: 'must be a hex fingerprint' }).optional(),
});

const amWebhook = z.object({
  version: z.literal('4', { error: "must be '4' (Alertmanager webhook payload version)" }),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  commonLabels: labelMap.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(amAlert).min(1, { error: 'must hold at least one alert' }).max(1000, { error: 'holds more than 1000 alerts' }),
});

export type AlertmanagerWebhook = z.input<typeof amWebhook>;

/** Alertmanager webhook (payload version 4) to one Alert per alert in it. Throws InvalidInputError naming the field. */
export function parseAlertmanager(body: unknown): Alert[] {
  const payload = parseOrThrow(amWebhook, body, 'body');
  return payload.alerts.map((a) => {
    // Alertmanager's fingerprint identifies the label set; startsAt tells one firing of it from the next.
    const fingerprint = a.fingerprint ?? shortHash(a.labels);
    const startsAt = new Date(a.startsAt);
    const endsAt = a.endsAt && !a.endsAt.startsWith('0001-01-01') ? a.endsAt : undefined;
    return {
      key: `am-${fingerprint}-${Math.floor(startsAt.getTime() / 1000)}`,
      source: 'alertmanager',
      status: a.status,
      name: a.labels.alertname,
      severity: normaliseSeverity(a.labels.severity ?? a.labels.priority),
      summary: a.annotations.summary ?? a.annotations.message ?? a.labels.alertname,
      description: a.annotations.description ?? '',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: startsAt.toISOString(),
      endsAt,
      generatorURL: a.generatorURL,
      target: kubernetesTarget(a.labels),
      query: alertQuery({ generatorURL: a.generatorURL, annotations: a.annotations }),
      ...(payload.groupKey ? { groupKey: payload.groupKey } : {}),
    } satisfies Alert;
  });
}
