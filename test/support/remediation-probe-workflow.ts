/** Test-only workflow for test/e2e/remediation-exactly-once.test.ts: runs one approved remediation, retried fast. */
import { proxyActivities } from '@temporalio/workflow';
import type { ExecuteRemediationInput } from '../../activities/remediation.js';
import type { createRemediationActivities } from '../../activities/remediation.js';
import type { RemediationOutcome } from '../../core/incident.js';

// Short timeouts so the retry after a killed worker comes within seconds; every attempt but the killed one is quick.
const { executeRemediation } = proxyActivities<ReturnType<typeof createRemediationActivities>>({
  startToCloseTimeout: '3s',
  retry: { initialInterval: '200ms', backoffCoefficient: 1, maximumAttempts: 20, nonRetryableErrorTypes: ['Forbidden', 'Invalid'] },
});

export async function remediationProbeWorkflow(input: ExecuteRemediationInput): Promise<RemediationOutcome> {
  return await executeRemediation(input);
}
