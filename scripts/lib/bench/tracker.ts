import type { SlackEmulator } from '../../../sandbox/slack/emulator.js';
import { sampleWebhook } from '../../../sandbox/samples.js';
import { ALERTS_CHANNEL } from './stack.js';

/** What the bench knows about one alert: when it was sent, and what Slack showed for it. */
export interface AlertRecord {
  index: number;
  sentAt: number;
  status?: number;
  workflowId?: string;
  alertTs?: string;
  /** ms epoch of the alert's first message in Slack (its ts). */
  ackAt?: number;
  reportTs?: string;
  /** ms epoch of the chat.update that turned "Investigating…" into the report. */
  reportAt?: number;
  topLevel: number;
  reports: number;
}

const MARKER = /\[bench (\d+)\]/;
const INVESTIGATING = ':mag: Investigating';
const tsMs = (ts: string) => Number(ts) * 1000;

/** One Alertmanager webhook per alert: a unique fingerprint (one incident each) and a marker to find its messages by. */
export function benchWebhook(runId: string, index: number, startsAt: Date) {
  const body = sampleWebhook('crashloop', { startsAt });
  const [alert] = body.alerts;
  const annotations = { ...alert.annotations, summary: `${alert.annotations.summary} [bench ${index}]` };
  return { ...body, commonAnnotations: annotations, alerts: [{ ...alert, annotations, fingerprint: `${runId}${index.toString(16).padStart(8, '0')}` }] };
}

/** Reads the Slack emulator's messages and recorded Web API calls back into per-alert records. */
export class SlackTracker {
  readonly records: AlertRecord[] = [];
  private readonly firstUpdate = new Map<string, number>();
  private cursor = 0;
  /** Web API calls read so far. */
  slackCalls = 0;

  constructor(private readonly slack: SlackEmulator) {}

  add(index: number, sentAt: number): AlertRecord {
    const record: AlertRecord = { index, sentAt, topLevel: 0, reports: 0 };
    this.records[index] = record;
    return record;
  }

  /** Re-reads the channel; cheap enough to run every second at 10,000 incidents. */
  scan(): void {
    const calls = this.slack.calls;
    for (; this.cursor < calls.length; this.cursor++) {
      const call = calls[this.cursor];
      const ts = call.args.ts;
      if (call.method === 'chat.update' && typeof ts === 'string' && !this.firstUpdate.has(ts)) this.firstUpdate.set(ts, call.at);
    }
    // The emulator keeps every call's arguments (blocks, file bytes' metadata) forever; at thousands of incidents that
    // is harness memory, not the worker's, so read calls are dropped once counted.
    this.slackCalls += this.cursor;
    calls.splice(0, this.cursor);
    this.cursor = 0;
    const byAlertTs = new Map<string, AlertRecord>();
    const messages = this.slack.messages(ALERTS_CHANNEL);
    for (const r of this.records) if (r) { r.topLevel = 0; r.reports = 0; }
    for (const m of messages) {
      if (m.threadTs) continue;
      const hit = MARKER.exec(m.text);
      const record = hit ? this.records[Number(hit[1])] : undefined;
      if (!record) continue;
      record.topLevel += 1;
      if (!record.alertTs) { record.alertTs = m.ts; record.ackAt = tsMs(m.ts); }
      byAlertTs.set(m.ts, record);
    }
    for (const m of messages) {
      const record = m.threadTs ? byAlertTs.get(m.threadTs) : undefined;
      if (!record || m.ephemeralFor) continue;
      const updatedAt = this.firstUpdate.get(m.ts);
      if (updatedAt === undefined && !m.text.startsWith(INVESTIGATING)) continue;
      record.reports += 1;
      if (updatedAt !== undefined && (record.reportAt === undefined || updatedAt < record.reportAt)) {
        record.reportAt = updatedAt;
        record.reportTs = m.ts;
      }
    }
  }

  counts() {
    const rs = this.records.filter(Boolean);
    return {
      accepted: rs.filter((r) => r.status === 202).length,
      acked: rs.filter((r) => r.ackAt !== undefined).length,
      reported: rs.filter((r) => r.reportAt !== undefined).length,
    };
  }
}
