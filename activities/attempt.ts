import { Context } from '@temporalio/activity';

/** When the first attempt of the running activity was scheduled, on a retry; undefined on the first attempt or outside one. */
export function firstAttemptAt(): number | undefined {
  try {
    const info = Context.current().info;
    return info.attempt > 1 ? info.scheduledTimestampMs : undefined;
  } catch {
    return undefined;
  }
}
