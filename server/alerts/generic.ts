import { z } from 'zod';
import { kubernetesTarget, normaliseSeverity, type Alert } from '../../core/alert.js';
import { shortHash } from '../../core/hash.js';
import { parseOrThrow } from './validation.js';

const genericAlert = z.object({
  title: z.string({ error: 'is required and must be a string' }).trim().min(1, { error: 'must not be empty' }).max(500),
  text: z.string({ error: 'is required and must be a string' }).max(20_000),
  severity: z.string().max(40).optional(),
  labels: z.record(z.string(), z.string({ error: 'must be a string' })).optional(),
  source: z.string().max(100).optional(),
  /** Optional sender-side identity; without it the content itself identifies the alert. */
  id: z.string().max(200).optional(),
  status: z.enum(['firing', 'resolved'], { error: "must be 'firing' or 'resolved'" }).optional(),
});

export type GenericAlertBody = z.input<typeof genericAlert>;

/** `POST /alerts/generic` body `{title, text, severity?, labels?, source?, id?, status?}` to an Alert. */
export function parseGeneric(body: unknown, { now = () => new Date() }: { now?: () => Date } = {}): Alert {
  const b = parseOrThrow(genericAlert, body, 'body');
  const labels = b.labels ?? {};
  const identity = b.id ?? { title: b.title, text: b.text, labels, source: b.source ?? null };
  return {
    key: `gen-${shortHash(identity, 24)}`,
    source: 'generic',
    status: b.status ?? 'firing',
    name: labels.alertname ?? b.title,
    severity: normaliseSeverity(b.severity ?? labels.severity),
    summary: b.title,
    description: b.text,
    labels: { ...labels, ...(b.source ? { source: b.source } : {}) },
    annotations: {},
    startsAt: now().toISOString(),
    target: kubernetesTarget(labels),
  };
}
