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

/** What a write (or the read before it) was trying to do, in RBAC words. */
export interface WriteAttempt {
  verb: string;
  /** Plural, with any subresource: 'deployments', 'deployments/scale', 'pods'. */
  resource: string;
  /** API group: '' or undefined for the core group, 'apps' for Deployments. */
  group?: string;
  namespace?: string;
  name?: string;
}

/**
 * Turns a refused write into a failure that is not retried and says what to grant (403 `Forbidden`), what is invalid
 * (400/422 `Invalid`) or what is missing (404 `NotFound`); other errors (network, 409, 429, 5xx) are left to the
 * activity's retry policy, which is bounded.
 */
export function toClusterWriteFailure(err: unknown, what: WriteAttempt): unknown {
  const status = apiStatus(err);
  if (status === 403) return ApplicationFailure.nonRetryable(`Kubernetes refused (403): ${forbiddenSentence(what)}. The API said: ${apiMessage(err)}`, 'Forbidden');
  if (status === 401) {
    return ApplicationFailure.nonRetryable(`Kubernetes rejected Lookout's credentials (HTTP 401): ${apiMessage(err)}`, 'Forbidden');
  }
  if (status === 400 || status === 422) {
    return ApplicationFailure.nonRetryable(`Kubernetes rejected the change: ${apiMessage(err)}`, 'Invalid');
  }
  if (status === 404) {
    const object = what.name ? `${what.resource.split('/')[0]} ${what.namespace ? `${what.namespace}/` : ''}${what.name}` : what.resource;
    return ApplicationFailure.nonRetryable(`Kubernetes has no ${object}: ${apiMessage(err)}`, 'NotFound');
  }
  return err;
}

/** "the service account may not patch deployments in namespace shop: add verb patch on deployments (apps) to its Role" */
export function forbiddenSentence({ verb, resource, group, namespace }: WriteAttempt): string {
  const where = namespace ? ` in namespace ${namespace}` : ' cluster-wide';
  const role = namespace ? 'Role' : 'ClusterRole';
  return `the service account may not ${verb} ${resource}${where}: add verb ${verb} on ${resource} (${group || 'core'}) to its ${role}`;
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
