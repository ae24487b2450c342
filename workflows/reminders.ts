import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

type Activities = ReturnType<typeof createActivities>;

const slack = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
});

export interface ReminderInput {
  teamId?: string;
  channel: string;
  /** Who asked; the reminder mentions them. */
  userId: string;
  text: string;
  delayMs: number;
  /** Thread to reply in, when the reminder was set inside one. */
  threadTs?: string;
}

/** `/lookout remind`: a durable timer that posts back, surviving worker and server restarts. */
export async function reminderWorkflow(input: ReminderInput): Promise<void> {
  await sleep(input.delayMs);
  await slack.postChannelMessage({
    teamId: input.teamId,
    channel: input.channel,
    threadTs: input.threadTs,
    text: `:alarm_clock: Reminder for <@${input.userId}>: ${input.text}`,
  });
}
