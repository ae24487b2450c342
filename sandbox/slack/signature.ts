import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` keyed by the signing secret. */
export function signSlackRequest(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Constant-time check of a signature header against the expected one (for tests and the emulator's own use). */
export function isValidSlackSignature(
  secret: string,
  timestamp: number | string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signSlackRequest(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
