import { findButton } from '../../../sandbox/slack/emulator.js';
import { ALERTS_CHANNEL, APPROVER, type BenchStack } from './stack.js';
import type { SlackTracker } from './tracker.js';

/**
 * Approves `count` incidents spread evenly over the open ones, one after another, through the real signed button path
 * (the emulator's clickButton → POST /slack/events → Bolt → decision signal), timing each from the click to the
 * outcome message in its thread (the emulator's recorded chat.postMessage).
 */
export async function approveSample(stack: BenchStack, tracker: SlackTracker, count: number, timeoutMs = 30_000) {
  const open = tracker.records.filter((r) => r?.reportTs && r.alertTs);
  const step = Math.max(1, Math.floor(open.length / Math.max(1, count)));
  const sample = open.filter((_, i) => i % step === 0).slice(0, count);
  const latencies: number[] = [];
  let missing = 0;
  for (const record of sample) {
    const report = stack.slack.thread(ALERTS_CHANNEL, record.alertTs!).find((m) => m.ts === record.reportTs);
    const actionId = findButton(report, 'approve');
    if (!actionId) { missing += 1; continue; }
    let cursor = stack.slack.calls.length;
    const clickedAt = Date.now();
    const res = await stack.slack.clickButton({ channel: ALERTS_CHANNEL, ts: record.reportTs!, actionId, userId: APPROVER });
    if (res.status !== 200) { missing += 1; continue; }
    let outcomeAt: number | undefined;
    while (outcomeAt === undefined && Date.now() - clickedAt < timeoutMs) {
      const calls = stack.slack.calls;
      for (; cursor < calls.length; cursor++) {
        const { method, args, at } = calls[cursor];
        if (method === 'chat.postMessage' && args.thread_ts === record.alertTs && String(args.text ?? '').includes(`approved by <@${APPROVER}>`)) outcomeAt = at;
      }
      if (outcomeAt === undefined) await new Promise((r) => setTimeout(r, 5));
    }
    if (outcomeAt === undefined) missing += 1;
    else latencies.push(outcomeAt - clickedAt);
  }
  return { latencies, missing };
}
