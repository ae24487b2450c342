/**
 * Read-only Kubernetes tools for the LLM agent, one activity each, and the table that names them. Every answer is
 * summarised and bounded for a model to read, and every string goes out through `cleanDeep`: secrets redacted, env
 * var values never included. Not configured, bad input and refusals (403, 404, ...) come back as `ok: false`; network
 * failures, 5xx and 429 throw so Temporal retries.
 */
import type { V1ReplicaSet } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/activity';
import type { ContextTool } from '../core/llm-prompt.js';
import { cleanDeep, clean } from './integration-output.js';
import { apiMessage, readRefusal, type ReadAttempt } from './kubernetes-errors.js';
import type { KubernetesDeps } from './kubernetes.js';
import {
  badInput, boundLog, deploymentSummary, eventRow, eventTime, LOG_MAX_CHARS, MAX_ITEMS, nodeSummary, podRows, podSummary,
  REVISION, type MetricsItem, type Rule,
} from './kubernetes-summaries.js';

export { boundLog, LOG_MAX_CHARS } from './kubernetes-summaries.js';

export const NOT_CONFIGURED = 'Kubernetes is not configured (set KUBECONFIG, or run Lookout in a pod with a service account)';
const LOG_TAIL_LINES = 200;
const MAX_TAIL_LINES = 2_000;
/** Objects fetched per list: enough to count and sort, bounded however big the namespace is. */
const FETCH_LIMIT = 500;
const MAX_REPLICA_SETS = 10;

export type KubeFailure = { ok: false; error: string };
export type KubeAnswer<T> = ({ ok: true } & T) | KubeFailure;

export function createKubernetesTools({ kubernetes }: KubernetesDeps) {
  /**
   * Runs one read: not configured and bad input are answered plainly, refusals come back as `ok: false`, transient
   * failures throw a retryable failure; whatever leaves is redacted.
   */
  async function read<T extends object>(
    input: unknown, rules: Record<string, Rule>, required: string[], what: (i: Record<string, unknown>) => ReadAttempt,
    run: (k: NonNullable<KubernetesDeps['kubernetes']>, i: Record<string, unknown>) => Promise<{ ok: true } & T>,
  ): Promise<KubeAnswer<T>> {
    if (!kubernetes) return { ok: false, error: NOT_CONFIGURED };
    const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const bad = badInput(i, rules, required);
    if (bad) return { ok: false, error: clean(`invalid input: ${bad}`) };
    try {
      return cleanDeep(await run(kubernetes, i));
    } catch (err) {
      const attempt = what(i);
      const refusal = readRefusal(err, attempt);
      if (refusal === undefined) {
        const where = attempt.namespace ? ` in ${attempt.namespace}` : '';
        throw ApplicationFailure.retryable(clean(`Kubernetes ${attempt.verb} ${attempt.resource}${where} failed: ${apiMessage(err)}`), 'KubernetesUnavailable');
      }
      return { ok: false, error: clean(refusal) };
    }
  }

  const NS = { namespace: 'label', name: 'subdomain' } as const;
  const str = (v: unknown) => v as string | undefined;
  const num = (v: unknown, fallback: number) => (v as number | undefined) ?? fallback;

  async function podsGet(input: { namespace: string; name: string }) {
    return read(input, NS, ['namespace', 'name'], (i) => ({ verb: 'get', resource: 'pods', namespace: str(i.namespace) }), async (k, i) => {
      const pod = await k.core.readNamespacedPod({ namespace: str(i.namespace)!, name: str(i.name)! });
      return { ok: true, pod: podSummary(pod) };
    });
  }

  async function podsList(input: { namespace: string; labelSelector?: string; fieldSelector?: string; limit?: number }) {
    const rules = { namespace: 'label', labelSelector: 'labelSelector', fieldSelector: 'fieldSelector', limit: { min: 1, max: MAX_ITEMS } } as const;
    return read(input, rules, ['namespace'], (i) => ({ verb: 'list', resource: 'pods', namespace: str(i.namespace) }), async (k, i) => {
      const list = await k.core.listNamespacedPod({
        namespace: str(i.namespace)!, labelSelector: str(i.labelSelector), fieldSelector: str(i.fieldSelector), limit: FETCH_LIMIT,
      });
      return { ok: true, ...podRows(list.items, num(i.limit, MAX_ITEMS), list.metadata?.remainingItemCount ?? 0) };
    });
  }

  async function podsLog(input: { namespace: string; name: string; container?: string; previous?: boolean; tailLines?: number }) {
    const rules = { ...NS, container: 'label', previous: 'boolean', tailLines: { min: 1, max: MAX_TAIL_LINES } } as const;
    return read(input, rules, ['namespace', 'name'], (i) => ({ verb: 'get', resource: 'pods/log', namespace: str(i.namespace) }), async (k, i) => {
      const text = await k.core.readNamespacedPodLog({
        namespace: str(i.namespace)!, name: str(i.name)!, container: str(i.container), previous: i.previous === true,
        tailLines: num(i.tailLines, LOG_TAIL_LINES),
      });
      return { ok: true, container: str(i.container), previous: i.previous === true, ...boundLog(String(text ?? '')) };
    });
  }

  async function podsMetrics(input: { namespace: string; name?: string; labelSelector?: string }) {
    const rules = { ...NS, labelSelector: 'labelSelector' } as const;
    const what = (i: Record<string, unknown>) => ({ verb: i.name ? 'get' : 'list', resource: 'pods.metrics.k8s.io', namespace: str(i.namespace) });
    if (kubernetes && !kubernetes.custom) return { ok: false as const, error: 'pod metrics are not available: this worker has no metrics.k8s.io client' };
    return read(input, rules, ['namespace'], what, async (k, i) => {
      const base = { group: 'metrics.k8s.io', version: 'v1beta1', namespace: str(i.namespace)!, plural: 'pods' };
      const items = i.name
        ? [(await k.custom!.getNamespacedCustomObject({ ...base, name: str(i.name)! })) as MetricsItem]
        : ((await k.custom!.listNamespacedCustomObject({ ...base, labelSelector: str(i.labelSelector) })) as { items?: MetricsItem[] }).items ?? [];
      const rows = items.map((m) => ({
        name: m.metadata?.name, timestamp: m.timestamp, window: m.window,
        containers: (m.containers ?? []).map((c) => ({ name: c.name, cpu: c.usage?.cpu, memory: c.usage?.memory })),
      }));
      return { ok: true, total: rows.length, pods: rows.slice(0, MAX_ITEMS), more: Math.max(0, rows.length - MAX_ITEMS) };
    });
  }

  async function eventsList(input: { namespace: string; kind?: string; name?: string; fieldSelector?: string; limit?: number }) {
    const rules = { ...NS, kind: 'kind', fieldSelector: 'fieldSelector', limit: { min: 1, max: MAX_ITEMS } } as const;
    return read(input, rules, ['namespace'], (i) => ({ verb: 'list', resource: 'events', namespace: str(i.namespace) }), async (k, i) => {
      const fieldSelector = [
        i.kind && `involvedObject.kind=${i.kind}`, i.name && `involvedObject.name=${i.name}`, i.fieldSelector,
      ].filter(Boolean).join(',') || undefined;
      const list = await k.core.listNamespacedEvent({ namespace: str(i.namespace)!, fieldSelector, limit: FETCH_LIMIT });
      // Newest last, like kubectl; the list is in storage order, so sort before cutting.
      const sorted = [...list.items].sort((a, b) => (eventTime(a) ?? '').localeCompare(eventTime(b) ?? ''));
      const limit = num(i.limit, MAX_ITEMS);
      const total = sorted.length + (list.metadata?.remainingItemCount ?? 0);
      return { ok: true, total, events: sorted.slice(-limit).map(eventRow), more: Math.max(0, total - limit) };
    });
  }

  async function deploymentsGet(input: { namespace: string; name: string }) {
    const what = (i: Record<string, unknown>) => ({ verb: 'get', resource: 'deployments', namespace: str(i.namespace) });
    return read(input, NS, ['namespace', 'name'], what, async (k, i) => {
      const namespace = str(i.namespace)!;
      const d = await k.apps.readNamespacedDeployment({ namespace, name: str(i.name)! });
      const labelSelector = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([key, v]) => `${key}=${v}`).join(',');
      const list = await k.apps.listNamespacedReplicaSet({ namespace, labelSelector, limit: FETCH_LIMIT });
      const revision = (rs: V1ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
      const owned = list.items
        .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.uid === d.metadata?.uid))
        .sort((a, b) => revision(b) - revision(a))
        .slice(0, MAX_REPLICA_SETS);
      return { ok: true, deployment: deploymentSummary(d, owned) };
    });
  }

  async function nodesGet(input: { name: string }) {
    return read(input, { name: 'subdomain' }, ['name'], () => ({ verb: 'get', resource: 'nodes' }), async (k, i) => {
      const name = str(i.name)!;
      const node = await k.core.readNode({ name });
      // The node itself is the answer; its pods are extra, so a refusal there is reported, not fatal.
      const pods = await k.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}`, limit: FETCH_LIMIT })
        .then((list) => podRows(list.items, MAX_ITEMS, list.metadata?.remainingItemCount ?? 0))
        .catch((err: unknown) => {
          const refusal = readRefusal(err, { verb: 'list', resource: 'pods' });
          if (refusal === undefined) throw err;
          return { error: refusal };
        });
      return { ok: true, node: { ...nodeSummary(node), pods } };
    });
  }

  return { podsGet, podsList, podsLog, podsMetrics, eventsList, deploymentsGet, nodesGet };
}

const NAMESPACE = { type: 'string', description: 'Namespace, e.g. shop' };
const OBJECT_NAME = (what: string) => ({ type: 'string', description: `${what} name` });
const LIMIT = { type: 'integer', minimum: 1, maximum: MAX_ITEMS, description: `At most this many items (default and max ${MAX_ITEMS})` };

/** The tools an LLM agent sees, by the names users see, mapped to the activities that run them. */
export const kubernetesTools = {
  pods_get: {
    activity: 'podsGet',
    description:
      'Get one pod: phase, node, owner, conditions, and per container the image, ready, restartCount, current and last ' +
      'state (reason, exit code, message, times), resources and env var names (never values).',
    inputSchema: {
      type: 'object',
      properties: { namespace: NAMESPACE, name: OBJECT_NAME('Pod') },
      required: ['namespace', 'name'],
      additionalProperties: false,
    },
  },
  pods_list: {
    activity: 'podsList',
    description:
      'List pods in a namespace, unhealthy ones first: phase, ready containers, restarts, reason, node. ' +
      `At most ${MAX_ITEMS} rows, with the total count.`,
    inputSchema: {
      type: 'object',
      properties: {
        namespace: NAMESPACE,
        labelSelector: { type: 'string', description: 'Label selector, e.g. app=cart or app in (cart,checkout)' },
        fieldSelector: { type: 'string', description: 'Field selector, e.g. status.phase!=Running or spec.nodeName=NODE' },
        limit: LIMIT,
      },
      required: ['namespace'],
      additionalProperties: false,
    },
  },
  pods_log: {
    activity: 'podsLog',
    description:
      `Read the end of a container's log (default ${LOG_TAIL_LINES} lines, at most ${LOG_MAX_CHARS} characters; when cut, ` +
      'error-looking lines are kept). previous=true reads the last terminated instance, i.e. why it crashed. Secrets are redacted.',
    inputSchema: {
      type: 'object',
      properties: {
        namespace: NAMESPACE,
        name: OBJECT_NAME('Pod'),
        container: { type: 'string', description: 'Container name; required when the pod has more than one' },
        previous: { type: 'boolean', description: 'Logs of the previous (crashed) container instance' },
        tailLines: { type: 'integer', minimum: 1, maximum: MAX_TAIL_LINES, description: `Lines from the end (default ${LOG_TAIL_LINES})` },
      },
      required: ['namespace', 'name'],
      additionalProperties: false,
    },
  },
  pods_metrics: {
    activity: 'podsMetrics',
    description: 'Current CPU and memory usage per container from metrics.k8s.io (metrics-server), for one pod or a selection.',
    inputSchema: {
      type: 'object',
      properties: {
        namespace: NAMESPACE,
        name: OBJECT_NAME('Pod'),
        labelSelector: { type: 'string', description: 'Label selector when no name is given, e.g. app=cart' },
      },
      required: ['namespace'],
      additionalProperties: false,
    },
  },
  events_list: {
    activity: 'eventsList',
    description:
      `List recent events in a namespace, newest last (at most ${MAX_ITEMS}), optionally about one object. ` +
      'Events about nodes are recorded in namespace default.',
    inputSchema: {
      type: 'object',
      properties: {
        namespace: NAMESPACE,
        kind: { type: 'string', description: 'Kind of the involved object, e.g. Pod, Deployment, Node, PersistentVolumeClaim' },
        name: { type: 'string', description: 'Name of the involved object' },
        fieldSelector: { type: 'string', description: 'Extra field selector, e.g. type=Warning or reason=BackOff' },
        limit: LIMIT,
      },
      required: ['namespace'],
      additionalProperties: false,
    },
  },
  deployments_get: {
    activity: 'deploymentsGet',
    description:
      'Get a Deployment: replica counts, conditions, containers (image, resources, env var names) and its ReplicaSets ' +
      `newest first (revision, images, replica counts; at most ${MAX_REPLICA_SETS}): shows what a rollout changed.`,
    inputSchema: {
      type: 'object',
      properties: { namespace: NAMESPACE, name: OBJECT_NAME('Deployment') },
      required: ['namespace', 'name'],
      additionalProperties: false,
    },
  },
  nodes_get: {
    activity: 'nodesGet',
    description:
      'Get a node: Ready and pressure conditions, taints, unschedulable (cordoned), capacity and allocatable, kubelet ' +
      `version, and the pods on it (unhealthy first, at most ${MAX_ITEMS}).`,
    inputSchema: {
      type: 'object',
      properties: { name: OBJECT_NAME('Node') },
      required: ['name'],
      additionalProperties: false,
    },
  },
} as const satisfies Record<string, KubernetesTool>;

export type KubernetesTool = ContextTool<keyof ReturnType<typeof createKubernetesTools>>;

export type KubernetesToolName = keyof typeof kubernetesTools;
