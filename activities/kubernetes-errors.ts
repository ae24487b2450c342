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

/** What a read was trying to do, in RBAC words: `{ verb: 'list', resource: 'nodes' }`. */
export interface ReadAttempt {
  verb: string;
  resource: string;
  namespace?: string;
}

/**
 * A read the apiserver refused or could not answer, as a sentence for the reader (the LLM, the thread); undefined when
 * the failure is transient (network, 5xx, 429) and the activity should throw so Temporal retries it.
 */
export function readRefusal(err: unknown, what: ReadAttempt): string | undefined {
  const status = apiStatus(err);
  if (status === undefined || status >= 500 || status === 429) return undefined;
  const where = what.namespace ? ` in namespace ${what.namespace}` : '';
  if (status === 403) {
    return `Forbidden: Lookout may not ${what.verb} ${what.resource}${where}; grant its service account the RBAC verb ` +
      `"${what.verb}" on "${what.resource}". The API said: ${apiMessage(err)}`;
  }
  if (status === 401) return `Kubernetes rejected Lookout's credentials (HTTP 401): ${apiMessage(err)}`;
  if (status === 404) return `Not found: ${apiMessage(err)}`;
  return `Kubernetes answered HTTP ${status}: ${apiMessage(err)}`;
}
