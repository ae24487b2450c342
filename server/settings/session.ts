import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type express from 'express';

/**
 * Settings-page sessions in one signed cookie (HMAC-SHA256, HTTP-only, SameSite=Lax): no session store to run. Every
 * visitor gets one, anonymous at first, so even the login forms carry a CSRF token bound to it.
 */
export interface Session {
  /** Random per session; signing in issues a new one, so a planted cookie is worth nothing. */
  sid: string;
  /** The synchronizer token every form posts back (csrf.ts). */
  csrf: string;
  /** The workspace this admin may read and change; nothing else, ever. */
  teamId?: string;
  userId?: string;
  userName?: string;
  /** OpenID Connect sign-in in flight: the state and nonce sent to Slack. */
  oidcState?: string;
  expires: number;
}

export const SESSION_COOKIE = 'lookout_session';
const TTL_MS = 8 * 3_600_000;

/** The cookie's signing secret, derived from the encryption key so there is no extra secret to configure. */
export function sessionSecret(encryptionKey: Buffer): Buffer {
  return createHmac('sha256', encryptionKey).update('lookout settings session v1').digest();
}

const sign = (secret: Buffer, value: string) => createHmac('sha256', secret).update(value).digest('base64url');

export function encodeSession(secret: Buffer, session: Session): string {
  const body = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The session in the cookie, or undefined when it is missing, altered or expired. */
export function decodeSession(secret: Buffer, cookie: string | undefined, now = Date.now()): Session | undefined {
  const [body, mac] = (cookie ?? '').split('.');
  if (!body || !mac) return undefined;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Session;
    return session.expires > now ? session : undefined;
  } catch {
    return undefined;
  }
}

export const newSession = (fields: Partial<Session> = {}): Session => ({
  sid: randomBytes(16).toString('base64url'), csrf: randomBytes(24).toString('base64url'), expires: Date.now() + TTL_MS, ...fields,
});

/** Reads one cookie from the request header (no cookie-parser needed for a single value). */
export function readCookie(req: express.Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function writeSession(res: express.Response, secret: Buffer, session: Session, secure: boolean): void {
  res.cookie(SESSION_COOKIE, encodeSession(secret, session), {
    httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: TTL_MS, encode: (v) => v,
  });
}
