import type { IncidentStatus } from './incident.js';

/** One unresolved incident as the daily digest lists it. */
export interface DigestIncident {
  workflowId: string;
  teamId?: string;
  channel: string;
  alertName: string;
  severity: string;
  namespace?: string;
  status: IncidentStatus;
  /** ISO time the incident opened. */
  createdAt: string;
  /** The alert's thread in Slack, when known. */
  link?: string;
}

export interface DigestChannel {
  teamId?: string;
  channel: string;
  incidents: DigestIncident[];
}

/** Statuses the digest calls open; the rest are finished. */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['investigating', 'awaiting_approval', 'remediating'];

/**
 * A link to a Slack message: `<workspace url>archives/<channel>/p<ts without the dot>`. Under slack.com (the default)
 * it works in any workspace the reader is signed in to (Slack redirects it).
 */
export function slackPermalink(channel: string, ts: string, workspaceUrl = 'https://slack.com/'): string {
  const base = workspaceUrl.endsWith('/') ? workspaceUrl : `${workspaceUrl}/`;
  return `${base}archives/${encodeURIComponent(channel)}/p${ts.replace('.', '')}`;
}

/** Incidents grouped by workspace and channel, in the order first seen; only open ones count. */
export function groupByChannel(incidents: readonly DigestIncident[]): DigestChannel[] {
  const groups = new Map<string, DigestChannel>();
  for (const incident of incidents) {
    if (!OPEN_STATUSES.includes(incident.status)) continue;
    const id = `${incident.teamId ?? ''}|${incident.channel}`;
    let group = groups.get(id);
    if (!group) {
      group = { ...(incident.teamId ? { teamId: incident.teamId } : {}), channel: incident.channel, incidents: [] };
      groups.set(id, group);
    }
    group.incidents.push(incident);
  }
  return [...groups.values()];
}

/** "3d 4h", "2h 5m", "12m": coarse, because a digest reader wants the order of magnitude. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes % 60 > 0 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${minutes}m`;
}

const statusWords: Record<IncidentStatus, string> = {
  investigating: 'investigating',
  awaiting_approval: 'awaiting approval',
  remediating: 'remediating',
  resolved: 'resolved',
  rejected: 'rejected',
  failed: 'failed',
};

/** Slack mrkdwn needs &, < and > escaped in text. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function line(incident: DigestIncident, now: number): string {
  const name = escape(incident.alertName);
  const title = incident.link ? `<${incident.link}|${name}>` : name;
  const where = incident.namespace ? ` in \`${escape(incident.namespace)}\`` : '';
  const age = formatAge(now - Date.parse(incident.createdAt));
  return `• ${title}${where} (${escape(incident.severity)}): ${statusWords[incident.status]}, open ${age}`;
}

/**
 * The digest message for one channel: incidents awaiting approval first (they need someone), then the other open ones,
 * oldest first. Undefined when nothing is open, so the channel gets no message.
 */
export function renderDigest(incidents: readonly DigestIncident[], { now }: { now: number }): string | undefined {
  const open = incidents
    .filter((i) => OPEN_STATUSES.includes(i.status))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (open.length === 0) return undefined;
  const awaiting = open.filter((i) => i.status === 'awaiting_approval');
  const others = open.filter((i) => i.status !== 'awaiting_approval');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [`:newspaper: *Daily digest*: ${plural(open.length, 'open incident')}, ${awaiting.length} awaiting approval`];
  if (awaiting.length > 0) parts.push('', '*Awaiting approval*', ...awaiting.map((i) => line(i, now)));
  if (others.length > 0) parts.push('', '*Open*', ...others.map((i) => line(i, now)));
  return parts.join('\n');
}
