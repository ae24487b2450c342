import { remediationActions, type RemediationAction } from './diagnosis.js';
import { parsePolicy, type StoredPolicy } from './policy.js';

/** What the settings page edits, and the pure checks behind its per-field errors. */

export const notificationTypes = ['alerts', 'errors', 'product_updates', 'reminders', 'digests'] as const;
export type NotificationType = (typeof notificationTypes)[number];
export const notificationLabels: Record<NotificationType, string> = {
  alerts: 'Alerts', errors: 'Errors', product_updates: 'Product updates', reminders: 'Reminders', digests: 'Digests',
};

/** One notification type's destinations; `webhook` is the ciphertext of an incoming-webhook URL (core/crypto.ts). */
export interface Route {
  channels: string[];
  users: string[];
  webhook?: string;
}
export type Routing = Partial<Record<NotificationType, Route>>;

export interface WorkspaceSettings {
  alertChannels: string[];
  approvers: string[];
  routing: Routing;
  policy: StoredPolicy;
}


/** Field name -> what is wrong with it, as shown beside the field. */
export type FieldErrors = Record<string, string>;

export const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const APPROVER_ID = /^[UWS][A-Z0-9]{2,}$/;

/** Slack's rules for a new channel's name: lowercase letters, numbers, hyphens and underscores, at most 80. */
export function channelNameProblem(name: string): string | undefined {
  if (!name) return 'Enter a name for the new channel.';
  if (name.length > 80) return 'Channel names are at most 80 characters.';
  if (!/^[a-z0-9_-]+$/.test(name)) return 'Use only lowercase letters, numbers, hyphens and underscores (no spaces or capitals).';
  if (!/[a-z0-9]/.test(name)) return 'A channel name needs at least one letter or number.';
  return undefined;
}

/** Splits "a, b c" into IDs, upper-cased, de-duplicated. */
export function idList(text: string | undefined, { upper = true } = {}): string[] {
  const ids = (text ?? '').split(/[\s,]+/).map((s) => s.trim().replace(/^[@#<]+|>$/g, ''));
  return [...new Set(ids.map((s) => (upper ? s.toUpperCase() : s)).filter(Boolean))];
}

function checkIds(ids: string[], pattern: RegExp, what: string): string | undefined {
  const bad = ids.filter((id) => !pattern.test(id));
  return bad.length ? `${bad.join(', ')}: not ${what}.` : undefined;
}

/**
 * An incoming-webhook URL Slack issued: https://hooks.slack.com/services/T…/B…/secret. When SLACK_API_URL points
 * elsewhere (the local emulator), that host's /services/ URLs are accepted too.
 */
export function webhookProblem(url: string, apiUrl: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a URL: paste the webhook URL Slack showed, https://hooks.slack.com/services/…';
  }
  const path = /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/.test(parsed.pathname);
  const slack = parsed.protocol === 'https:' && parsed.host === 'hooks.slack.com';
  const api = new URL(apiUrl);
  const local = !/(^|\.)slack\.com$/.test(api.hostname) && parsed.origin === api.origin;
  if (!(slack || local) || !path || parsed.search || parsed.username) {
    return 'Must be a Slack incoming-webhook URL: https://hooks.slack.com/services/T…/B…/…';
  }
  return undefined;
}

/** A webhook URL with its secret cut off, for showing what is configured. */
export function maskWebhook(url: string): string {
  const m = /^(.*\/services\/[^/]+\/[^/]+\/)(.*)$/.exec(url);
  return m ? `${m[1]}${'•'.repeat(6)}${m[2].slice(-2)}` : '••••••';
}

/** The form as posted (urlencoded; repeated fields are arrays). */
export type Form = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v) ?? '';
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** What to do with a type's webhook: keep the stored one, replace it, or remove it. */
export type WebhookChange = { kind: 'keep' } | { kind: 'set'; url: string } | { kind: 'remove' };

export interface ParsedSettings {
  routes: Record<NotificationType, { channels: string[]; users: string[]; webhook: WebhookChange }>;
  approvers: string[];
  policy: StoredPolicy;
}

/** Checks the settings form; every problem is keyed by the field it belongs to. */
export function parseSettingsForm(form: Form, { apiUrl }: { apiUrl: string }): { ok: true; value: ParsedSettings } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const routes = {} as ParsedSettings['routes'];
  for (const type of notificationTypes) {
    const channels = [...new Set(many(form[`${type}_channels`]).flatMap((c) => idList(c, { upper: false })))];
    const users = idList(one(form[`${type}_users`]));
    const channelProblem = checkIds(channels, CHANNEL_ID, 'a channel ID (C… or G…)');
    if (channelProblem) errors[`${type}_channels`] = channelProblem;
    const userProblem = checkIds(users, USER_ID, 'a user ID (U… or W…); find it in the person\'s Slack profile, "Copy member ID"');
    if (userProblem) errors[`${type}_users`] = userProblem;
    const url = one(form[`${type}_webhook`]).trim();
    let webhook: WebhookChange = { kind: 'keep' };
    if (one(form[`${type}_webhook_remove`]) === 'on') webhook = { kind: 'remove' };
    else if (url) {
      const problem = webhookProblem(url, apiUrl);
      if (problem) errors[`${type}_webhook`] = problem;
      webhook = { kind: 'set', url };
    }
    routes[type] = { channels, users, webhook };
  }
  const approvers = idList(one(form.approvers));
  const approverProblem = checkIds(approvers, APPROVER_ID, 'a user ID (U…) or user-group ID (S…)');
  if (approverProblem) errors.approvers = approverProblem;

  const actions = many(form.allowed_actions);
  const namespaces = one(form.namespaces).split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  const policy: StoredPolicy = {
    allowedActions: actions as RemediationAction[],
    ...(namespaces.length ? { namespaces } : {}),
    secondApproverForDestructive: one(form.second_approver) === 'on',
  };
  // Every action ticked means "all", so actions added later are allowed too.
  if (remediationActions.every((a) => actions.includes(a))) delete policy.allowedActions;
  const parsed = parsePolicy(policy);
  if (!parsed.ok) {
    for (const problem of parsed.problems) {
      const field = problem.startsWith('namespaces') ? 'namespaces' : problem.startsWith('allowedActions') ? 'allowed_actions' : 'policy';
      errors[field] = `${errors[field] ? `${errors[field]} ` : ''}${problem.replace(/^namespaces has invalid entries/, 'Not a namespace name or glob (lowercase letters, digits, -, * and ?)')}.`;
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { routes, approvers, policy } };
}
