import { ApplicationFailure } from '@temporalio/activity';

/** HTTP status of a @kubernetes/client-node ApiException, or undefined for other errors. */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

/** The apiserver's own Status message, which names the missing permission or the invalid field. */
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown })?.body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // not JSON: fall through to the error's own message
  }
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

/**
 * Turns a refused write into a failure that is not retried and says what to grant; other errors are left to the
 * activity's retry policy.
 */
export function toClusterWriteFailure(err: unknown, what: { verb: string; resource: string; namespace?: string }): unknown {
  const status = apiStatus(err);
  const where = what.namespace ? ` in namespace ${what.namespace}` : '';
  if (status === 401 || status === 403) {
    return ApplicationFailure.nonRetryable(
      `Kubernetes refused: Lookout may not ${what.verb} ${what.resource}${where}. Grant its service account the RBAC verb ` +
        `"${what.verb}" on "${what.resource}". The API said: ${apiMessage(err)}`,
      'Forbidden',
    );
  }
  if (status === 400 || status === 422) {
    return ApplicationFailure.nonRetryable(`Kubernetes rejected the change: ${apiMessage(err)}`, 'Invalid');
  }
  return err;
}
