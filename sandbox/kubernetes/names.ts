/** Names, uids, hashes and timestamps in the forms Kubernetes itself generates. */
import { createHash, randomInt, randomUUID } from 'node:crypto';

// apimachinery's rand.SafeEncodeString alphabet: no vowels, so generated names never spell words.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function newUid(): string {
  return randomUUID();
}

/** The 5-character suffix of generateName, as on `cart-7d9f8b6c5-x2k4p`. */
export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** A stable pod-template-hash for a template (the real one is FNV-32a; any stable digest will do here). */
export function podTemplateHash(template: unknown): string {
  const digest = createHash('sha256').update(stableJson(template)).digest();
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[digest[i] % ALPHABET.length];
  return s;
}

/** RFC 3339 at second precision, like metav1.Time. */
export function isoTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** JSON with sorted keys, so equal objects compare equal whatever their key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
