import type { Alert } from './alert.js';

/** Longest key stored as is; longer group keys are hashed so the storms index stays within PostgreSQL's btree limit. */
const MAX_KEY_LENGTH = 400;

export interface StormKeyOptions {
  /** The Slack channel the alert is posted to: part of every key, so a storm never spans channels. */
  channel: string;
  /** Alertmanager's groupKey; defaults to the one the parser put on the alert. */
  groupKey?: string;
}

/**
 * Which storm an alert belongs to: Alertmanager's groupKey when the webhook carried one, else the alert name and
 * namespace. Pure and free of Node APIs, so workflows may call it.
 */
export function stormKey(alert: Pick<Alert, 'name' | 'target' | 'labels' | 'groupKey'>, { channel, groupKey = alert.groupKey }: StormKeyOptions): string {
  const key = groupKey
    ? `${channel}|group|${groupKey}`
    : `${channel}|${alert.name}|${alert.target.namespace ?? alert.labels.namespace ?? ''}`;
  return key.length <= MAX_KEY_LENGTH ? key : `${channel}|hash|${hash53(key)}`;
}

/** cyrb53: a fast 53-bit string hash, deterministic everywhere (node:crypto is not available to workflows). */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}
