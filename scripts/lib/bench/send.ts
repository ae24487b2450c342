import { randomBytes } from 'node:crypto';
import { mapLimit } from './stats.js';
import { benchWebhook, type SlackTracker } from './tracker.js';

export interface SendResult {
  accepted: number;
  failed: number;
  seconds: number;
  startedAt: number;
}

/**
 * POSTs one Alertmanager webhook per alert to the real endpoint, `concurrency` at a time, optionally paced to `rate`
 * per second. 202 means every alert in the body is durably handed to Temporal (CONTRACT section 3).
 */
export async function sendAlerts(
  { url, tracker, count, concurrency, rate, offset = 0, gate }: {
    url: string; tracker: SlackTracker; count: number; concurrency: number; rate: number; offset?: number;
    /** Awaited before each request, after the rate's pacing (see `windowGate`). */
    gate?: () => Promise<void>;
  },
): Promise<SendResult> {
  const runId = randomBytes(4).toString('hex');
  const startsAt = new Date(Date.now() - 60_000);
  const startedAt = Date.now();
  let accepted = 0;
  let failed = 0;
  await mapLimit(Array.from({ length: count }, (_, i) => offset + i), concurrency, async (index) => {
    if (rate > 0) {
      const due = startedAt + ((index - offset) * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    await gate?.();
    const record = tracker.add(index, Date.now());
    try {
      const res = await fetch(`${url}/alerts/alertmanager`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(benchWebhook(runId, index, startsAt)),
      });
      record.status = res.status;
      const body = await res.json() as { results?: { workflowId?: string }[] };
      record.workflowId = body.results?.[0]?.workflowId;
    } catch {
      record.status = 0;
    }
    if (record.status === 202) accepted += 1;
    else failed += 1;
  });
  return { accepted, failed, seconds: (Date.now() - startedAt) / 1000, startedAt };
}

/**
 * A gate that lets a request through only while fewer than `window` alerts sent through it are not yet done (`done()`
 * as last read: reported, or refused); it throws once `failure()` names a part of the stack that died.
 */
export function windowGate(window: number, done: () => number, failure: () => string | undefined = () => undefined, pollMs = 100): () => Promise<void> {
  let sent = 0;
  return async () => {
    while (sent - done() >= window) {
      const why = failure();
      if (why) throw new Error(why);
      await new Promise((r) => setTimeout(r, pollMs));
    }
    // Counted in the same turn as the check, so lanes waiting together cannot overshoot the window.
    sent += 1;
  };
}
