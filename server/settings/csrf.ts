import { timingSafeEqual } from 'node:crypto';
import type { Session } from './session.js';

/** A form's `_csrf` must equal its session's token: a page on another site cannot read it, so cannot forge a post. */
export function csrfValid(session: Session | undefined, token: unknown): boolean {
  if (!session || typeof token !== 'string' || !token) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const csrfField = (session: Session) => `<input type="hidden" name="_csrf" value="${session.csrf}">`;
