/** Objects as Sentry's API v0 returns them; the server stores them as given and fills what it can derive. */

export interface StoredIssue {
  id: string;
  shortId?: string;
  title?: string;
  culprit?: string;
  level?: string;
  status?: string;
  /** Sentry sends the event count as a string. */
  count?: string;
  userCount?: number;
  firstSeen?: string;
  lastSeen?: string;
  platform?: string;
  /** Filled with `<server>/organizations/<org>/issues/<id>/` when absent. */
  permalink?: string;
  project: { id: string; name: string; slug: string; platform?: string };
  tags?: { key: string; name: string; totalValues: number; topValues?: { key: string; value: string; count: number }[] }[];
  [field: string]: unknown;
}

export interface StoredEvent {
  id: string;
  eventID: string;
  /** The issue id. */
  groupID: string;
  projectID?: string;
  /** The project slug, for the attachments route (not part of Sentry's event shape; stripped from answers). */
  project: string;
  title?: string;
  message?: string;
  culprit?: string;
  dateCreated: string;
  tags?: { key: string; value: string }[];
  /** Only in single-event answers and in lists with `full=true`, as in Sentry. */
  entries?: { type: string; data: unknown }[];
  [field: string]: unknown;
}

export interface StoredAttachment {
  id: string;
  name: string;
  type: string;
  mimetype: string;
  size: number;
  dateCreated?: string;
  sha1?: string;
  headers?: Record<string, string>;
}

export interface SentryWorld {
  issues: StoredIssue[];
  events: StoredEvent[];
  attachments?: { project: string; eventId: string; items: StoredAttachment[] }[];
}

export interface SentryRequest {
  method: string;
  /** Path with the query string, as received. */
  path: string;
  authorized: boolean;
  status: number;
  at: number;
}
