// The bare-Temporal baseline: one workflow task, one no-op activity, done. Bundled for its own worker by bare.ts.
import { proxyActivities } from '@temporalio/workflow';
import type { BareActivities } from './bare.js';

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '10 seconds' });

export async function bareWorkflow(): Promise<void> {
  await noop();
}
