/**
 * Sentry context tools over the REST API v0 at SENTRY_URL (bearer token, one organization).
 * Not configured, or an answer Sentry refuses (401, 403, 404, ...), is returned as `ok: false` so the incident goes
 * on; an unreachable or failing Sentry (network, timeout, 5xx, 429) throws so Temporal retries the activity.
 */
import type { ContextTool } from '../core/llm-prompt.js';
import { baseOf, callApi, clean, cleanDeep } from './integration-output.js';
import type { ApiAnswer } from './integration-output.js';
import { MAX_ATTACHMENTS, MAX_EVENTS, summarizeAttachment, summarizeEvent, summarizeIssue } from './sentry-shapes.js';
import type {
  SentryApiAttachment, SentryApiEvent, SentryApiIssue, SentryAttachmentSummary, SentryEventSummary, SentryIssueDetails,
} from './sentry-shapes.js';

export type * from './sentry-shapes.js';
export { MAX_ATTACHMENTS, MAX_EVENTS, MAX_FRAMES, MAX_TAGS } from './sentry-shapes.js';

/** Undefined when SENTRY_URL, SENTRY_AUTH_TOKEN or SENTRY_ORG is unset: the tools then say so. */
export interface SentryDeps {
  sentry?: { baseUrl: string; token: string; org: string; fetch?: typeof fetch };
}

export const SENTRY_NOT_CONFIGURED = 'Sentry is not configured (set SENTRY_URL, SENTRY_AUTH_TOKEN and SENTRY_ORG)';

export type SentryFailure = { ok: false; error: string };
export type SentryIssueResult = { ok: true; issue: SentryIssueDetails } | SentryFailure;
export type SentryEventsResult = { ok: true; events: SentryEventSummary[]; more: boolean } | SentryFailure;
export type SentryAttachmentsResult = { ok: true; attachments: SentryAttachmentSummary[]; total: number } | SentryFailure;

export interface SentryIssueInput {
  /** Numeric issue id or short id (`SHOP-1A`). */
  issueId: string;
}

export interface SentryEventsInput extends SentryIssueInput {
  /** 1 to 10; default 10. */
  limit?: number;
}

export interface SentryAttachmentsInput {
  /** Project slug. */
  project: string;
  eventId: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function createSentryActivities({ sentry }: SentryDeps) {
  /** The issue: counts, status, first/last seen, link, and the latest event's exception, top stack frames and tags. */
  async function sentryGetIssueDetails({ issueId }: SentryIssueInput): Promise<SentryIssueResult> {
    if (!sentry) return { ok: false, error: SENTRY_NOT_CONFIGURED };
    const bad = invalid('issueId', issueId);
    if (bad) return bad;
    const issuePath = `organizations/${enc(sentry.org)}/issues/${enc(issueId)}/`;
    const issue = await get(issuePath);
    if (!isOk(issue)) return failure(issue, `issue ${issueId}`);
    const latest = await get(`${issuePath}events/latest/`);
    // An issue whose events have all aged out still has details worth showing.
    const event = isOk(latest) ? (latest.body as SentryApiEvent) : undefined;
    return cleanDeep({ ok: true as const, issue: summarizeIssue(issue.body as SentryApiIssue, event) });
  }

  /** The issue's most recent events (at most 10), newest first. */
  async function sentryListEventsForIssue({ issueId, limit = MAX_EVENTS }: SentryEventsInput): Promise<SentryEventsResult> {
    if (!sentry) return { ok: false, error: SENTRY_NOT_CONFIGURED };
    const bad = invalid('issueId', issueId);
    if (bad) return bad;
    const n = Math.min(Math.max(Math.floor(Number(limit)) || MAX_EVENTS, 1), MAX_EVENTS);
    const answer = await get(`organizations/${enc(sentry.org)}/issues/${enc(issueId)}/events/`, { per_page: String(n) });
    if (!isOk(answer) || !Array.isArray(answer.body)) return failure(answer, `events of issue ${issueId}`);
    const events = (answer.body as SentryApiEvent[]).slice(0, n).map(summarizeEvent);
    const more = answer.body.length > n || /rel="next"; results="true"/.test(answer.headers.get('link') ?? '');
    return cleanDeep({ ok: true as const, events, more });
  }

  /** The names, types and sizes of an event's attachments (never their contents). */
  async function sentryGetEventAttachments({ project, eventId }: SentryAttachmentsInput): Promise<SentryAttachmentsResult> {
    if (!sentry) return { ok: false, error: SENTRY_NOT_CONFIGURED };
    const bad = invalid('project', project) ?? invalid('eventId', eventId);
    if (bad) return bad;
    const answer = await get(`projects/${enc(sentry.org)}/${enc(project)}/events/${enc(eventId)}/attachments/`);
    if (!isOk(answer) || !Array.isArray(answer.body)) return failure(answer, `attachments of event ${eventId}`);
    const all = answer.body as SentryApiAttachment[];
    return cleanDeep({ ok: true as const, attachments: all.slice(0, MAX_ATTACHMENTS).map(summarizeAttachment), total: all.length });
  }

  function get(path: string, query: Record<string, string> = {}): Promise<ApiAnswer> {
    // SENTRY_URL may be given with or without the /api/0 suffix.
    const url = new URL(`api/0/${path}`, baseOf(sentry!.baseUrl, /\/api\/0\/?$/));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return callApi({ service: 'Sentry', url, token: sentry!.token, fetch: sentry!.fetch });
  }

  return { sentryGetIssueDetails, sentryListEventsForIssue, sentryGetEventAttachments };
}

function isOk(answer: ApiAnswer): boolean {
  return answer.status >= 200 && answer.status < 300 && answer.body !== undefined;
}

function failure(answer: ApiAnswer, what: string): SentryFailure {
  const detail = (answer.body as { detail?: unknown } | undefined)?.detail;
  const text = typeof detail === 'string' ? detail : answer.text.trim().slice(0, 200) || 'not a JSON answer';
  const hint = answer.status === 401 ? ' (check SENTRY_AUTH_TOKEN)'
    : answer.status === 403 ? ' (the token needs the event:read and project:read scopes)'
    : answer.status === 404 ? ' (check the id and SENTRY_ORG)'
    : answer.status < 300 ? ' (is SENTRY_URL the Sentry server\'s base URL?)' : '';
  return { ok: false, error: clean(`Sentry answered HTTP ${answer.status} for ${what}${hint}: ${text}`) };
}

function invalid(name: string, value: unknown): SentryFailure | undefined {
  return typeof value === 'string' && ID.test(value) ? undefined : { ok: false, error: clean(`${name}: ${JSON.stringify(value)} is not a Sentry id`) };
}

const enc = encodeURIComponent;

/** The tools an LLM agent sees, by the names users see, mapped to the activities that run them. */
export const sentryTools = {
  'sentry-get-issue-details': {
    activity: 'sentryGetIssueDetails',
    description:
      'Get a Sentry issue: title, culprit, level, status, event and user counts, first and last seen, link, and the ' +
      'latest event\'s exception with its top 10 stack frames (most recent first, in-app frames first) and tags.',
    inputSchema: {
      type: 'object',
      properties: { issueId: { type: 'string', description: 'Sentry issue id (e.g. 4821) or short id (e.g. SHOP-1A)' } },
      required: ['issueId'],
      additionalProperties: false,
    },
  },
  'sentry-list-events-for-issue': {
    activity: 'sentryListEventsForIssue',
    description: 'List the most recent events of a Sentry issue (at most 10), newest first, with time, message, environment and release.',
    inputSchema: {
      type: 'object',
      properties: {
        issueId: { type: 'string', description: 'Sentry issue id or short id' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_EVENTS, description: 'How many events; default 10' },
      },
      required: ['issueId'],
      additionalProperties: false,
    },
  },
  'sentry-get-event-attachments': {
    activity: 'sentryGetEventAttachments',
    description: 'List the attachments of a Sentry event (name, type and size only; contents are never fetched).',
    inputSchema: {
      type: 'object',
      properties: {
        project: { type: 'string', description: 'Sentry project slug' },
        eventId: { type: 'string', description: 'Event id (32 hex characters)' },
      },
      required: ['project', 'eventId'],
      additionalProperties: false,
    },
  },
} as const satisfies Record<string, SentryTool>;

export type SentryTool = ContextTool<keyof ReturnType<typeof createSentryActivities>>;

export type SentryToolName = keyof typeof sentryTools;
