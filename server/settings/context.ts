import type express from 'express';
import type { Config } from '../../core/config.js';
import type { Cipher } from '../../core/crypto.js';
import type { Logger } from '../../core/logger.js';
import type { WorkspaceInstallations } from '../installation-store.js';
import { csrfValid } from './csrf.js';
import { decodeSession, newSession, readCookie, SESSION_COOKIE, writeSession, type Session } from './session.js';
import type { SlackAdmin } from './slack-admin.js';
import type { SettingsStore } from './store.js';

export type PageMode = 'sandbox' | 'single' | 'oauth' | 'socket';

export interface SettingsDeps {
  config: Config;
  mode: PageMode;
  /** The one workspace of single-workspace, Socket and sandbox modes (from auth.test at start). */
  team: { id?: string; name?: string };
  store: SettingsStore;
  installations?: WorkspaceInstallations;
  cipher: Cipher;
  /** The session cookies' signing key; a function, so the encryption key is only loaded (or made) when needed. */
  sessionSecret: () => Buffer;
  slack: SlackAdmin;
  log: Logger;
}

/** Who is asking, resolved once per request. `teamId` is set only when they may read and change that workspace. */
export interface Visitor {
  session: Session;
  teamId?: string;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The request's session (a fresh anonymous one if it has none), and the workspace it grants. */
export function visitor(deps: SettingsDeps, req: express.Request, res: express.Response): Visitor {
  let session = decodeSession(deps.sessionSecret(), readCookie(req, SESSION_COOKIE));
  if (!session) {
    session = newSession();
    writeSession(res, deps.sessionSecret(), session, req.secure);
  }
  if (deps.mode === 'sandbox') return { session, teamId: deps.team.id };
  if (deps.mode === 'oauth') return { session, teamId: session.teamId };
  return { session, teamId: session.teamId && session.teamId === deps.team.id ? session.teamId : undefined };
}

/**
 * Every POST: a session with a matching CSRF token (else 403), and a signed-in admin whose workspace is the one the
 * form names, if it names one (else 403): a session of workspace A can never act on workspace B.
 */
export function guardPost(deps: SettingsDeps, req: express.Request, { needTeam = true } = {}): Visitor & { body: Record<string, string | string[]> } {
  const session = decodeSession(deps.sessionSecret(), readCookie(req, SESSION_COOKIE));
  const body = (req.body ?? {}) as Record<string, string | string[]>;
  if (!csrfValid(session, body._csrf)) throw new HttpError(403, 'This form has expired or did not come from this page (CSRF check failed). Reload the page and try again.');
  const v: Visitor = deps.mode === 'sandbox' ? { session: session!, teamId: deps.team.id }
    : { session: session!, teamId: deps.mode === 'oauth' ? session!.teamId : session!.teamId === deps.team.id ? session!.teamId : undefined };
  if (needTeam && !v.teamId) throw new HttpError(403, 'Sign in as a workspace admin first.');
  if (needTeam && body.team !== undefined && body.team !== v.teamId) throw new HttpError(403, 'You are signed in to another workspace: this one is not yours to change.');
  return { ...v, body };
}

/** The bot token for a workspace: its stored installation (OAuth) or the configured one. */
export async function botToken(deps: SettingsDeps, teamId: string): Promise<string | undefined> {
  if (deps.mode === 'oauth') return await deps.installations?.tokenFor(teamId);
  return deps.config.slack.botToken;
}

export const webhookContext = (teamId: string, type: string) => `workspace_settings/${teamId}/webhook/${type}`;

/** A stored webhook URL decrypted, or undefined when it cannot be (another key, a damaged row): it must be set again. */
export function openWebhook(deps: Pick<SettingsDeps, 'cipher'>, teamId: string, type: string, sealed: string): string | undefined {
  try {
    return deps.cipher.decrypt(sealed, webhookContext(teamId, type));
  } catch {
    return undefined;
  }
}
