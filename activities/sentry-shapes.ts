/**
 * Sentry's REST API v0 objects (the fields Lookout reads) and their bounded summaries: what a tool returns is small
 * enough for a Slack report or an LLM turn however large the issue is.
 */
import { truncate } from './integration-output.js';

export const MAX_FRAMES = 10;
export const MAX_EVENTS = 10;
export const MAX_TAGS = 20;
export const MAX_ATTACHMENTS = 20;

export interface SentryApiFrame {
  filename?: string | null;
  absPath?: string | null;
  module?: string | null;
  function?: string | null;
  lineNo?: number | null;
  colNo?: number | null;
  inApp?: boolean | null;
  context?: [number, string][] | null;
}

export interface SentryApiException {
  type?: string | null;
  value?: string | null;
  stacktrace?: { frames?: SentryApiFrame[] | null } | null;
}

export interface SentryApiEvent {
  id?: string;
  eventID?: string;
  groupID?: string;
  title?: string;
  message?: string | null;
  culprit?: string | null;
  platform?: string;
  dateCreated?: string;
  tags?: { key: string; value: string }[];
  entries?: { type: string; data?: { values?: SentryApiException[] | null } }[];
}

export interface SentryApiIssue {
  id: string;
  shortId?: string;
  title?: string;
  culprit?: string | null;
  level?: string;
  status?: string;
  count?: string | number;
  userCount?: number;
  firstSeen?: string;
  lastSeen?: string;
  permalink?: string;
  project?: { slug?: string };
  tags?: { key: string; topValues?: { value: string }[] }[];
}

export interface SentryApiAttachment {
  id?: string;
  name?: string;
  type?: string;
  mimetype?: string | null;
  size?: number;
  headers?: Record<string, string>;
}

export interface SentryFrame {
  function?: string;
  module?: string;
  file?: string;
  line?: number;
  inApp: boolean;
  /** The source line the frame points at, when Sentry has it. */
  code?: string;
}

export interface SentryTag {
  key: string;
  value: string;
}

export interface SentryIssueDetails {
  id: string;
  shortId?: string;
  title: string;
  culprit?: string;
  level?: string;
  status?: string;
  count: number;
  userCount: number;
  firstSeen?: string;
  lastSeen?: string;
  permalink?: string;
  project?: string;
  latestEventId?: string;
  exception?: { type?: string; value?: string };
  /** Up to 10 frames of the latest event's exception, most recent first, in-app frames ahead of library ones. */
  frames: SentryFrame[];
  /** How many frames the stack trace had beyond those shown. */
  framesOmitted: number;
  tags: SentryTag[];
}

export interface SentryEventSummary {
  eventId: string;
  dateCreated?: string;
  title?: string;
  message?: string;
  culprit?: string;
  environment?: string;
  release?: string;
  level?: string;
}

export interface SentryAttachmentSummary {
  name: string;
  type: string;
  size: number;
}

/** The issue with the latest event's exception and stack, bounded. */
export function summarizeIssue(issue: SentryApiIssue, latest?: SentryApiEvent): SentryIssueDetails {
  const exception = lastException(latest);
  const all = [...(exception?.stacktrace?.frames ?? [])].reverse(); // Sentry lists the crashing frame last
  const ordered = [...all.filter((f) => f.inApp), ...all.filter((f) => !f.inApp)];
  const frames = ordered.slice(0, MAX_FRAMES).map(summarizeFrame);
  const eventTags = (latest?.tags ?? []).map(({ key, value }) => ({ key, value }));
  const issueTags = (issue.tags ?? []).flatMap((t) => (t.topValues?.[0] ? [{ key: t.key, value: t.topValues[0].value }] : []));
  return {
    id: String(issue.id),
    shortId: issue.shortId,
    title: truncate(issue.title, 300) ?? '',
    culprit: truncate(issue.culprit, 300),
    level: issue.level,
    status: issue.status,
    count: Number(issue.count ?? 0),
    userCount: Number(issue.userCount ?? 0),
    firstSeen: issue.firstSeen,
    lastSeen: issue.lastSeen,
    permalink: issue.permalink,
    project: issue.project?.slug,
    latestEventId: latest?.eventID ?? latest?.id,
    exception: exception ? { type: truncate(exception.type, 200), value: truncate(exception.value, 500) } : undefined,
    frames,
    framesOmitted: all.length - frames.length,
    tags: (eventTags.length ? eventTags : issueTags).slice(0, MAX_TAGS).map((t) => ({ key: t.key, value: truncate(t.value, 200) ?? '' })),
  };
}

export function summarizeEvent(event: SentryApiEvent): SentryEventSummary {
  const tag = (key: string) => event.tags?.find((t) => t.key === key)?.value;
  return {
    eventId: event.eventID ?? event.id ?? '',
    dateCreated: event.dateCreated,
    title: truncate(event.title, 300),
    message: truncate(event.message || undefined, 500),
    culprit: truncate(event.culprit || undefined, 300),
    environment: tag('environment'),
    release: tag('release'),
    level: tag('level'),
  };
}

export function summarizeAttachment(a: SentryApiAttachment): SentryAttachmentSummary {
  return {
    name: truncate(a.name, 200) ?? '',
    type: a.mimetype ?? a.headers?.['Content-Type'] ?? a.type ?? 'application/octet-stream',
    size: Number(a.size ?? 0),
  };
}

/** In a chained exception Sentry lists the cause first and the exception that was raised last. */
function lastException(event?: SentryApiEvent): SentryApiException | undefined {
  const entry = event?.entries?.find((e) => e.type === 'exception');
  const values = entry?.data?.values ?? [];
  return values[values.length - 1];
}

function summarizeFrame(f: SentryApiFrame): SentryFrame {
  const code = f.context?.find(([line]) => line === f.lineNo)?.[1];
  return {
    function: truncate(f.function ?? undefined, 200),
    module: truncate(f.module ?? undefined, 200),
    file: truncate(f.filename ?? f.absPath ?? undefined, 200),
    line: f.lineNo ?? undefined,
    inApp: Boolean(f.inApp),
    code: truncate(code?.trim(), 200),
  };
}
