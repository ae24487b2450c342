/** core/v1 Events as controllers and the kubelet record them, so the world tells the story of each mutation. */
import { randomInt } from 'node:crypto';
import { API_VERSION } from './store.js';
import type { ObjectStore } from './store.js';
import type { Kind, KubeObject } from './types.js';
import { isoTime } from './names.js';

export interface EventInput {
  kind: Kind;
  object: KubeObject;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  component: string;
  host?: string;
  fieldPath?: string;
  now?: number;
}

export function recordEvent(store: ObjectStore, e: EventInput): KubeObject {
  const now = e.now ?? Date.now();
  const at = isoTime(now);
  const meta = e.object.metadata;
  // client-go names events <object>.<unix nanoseconds in hex>
  const nanos = BigInt(now) * 1_000_000n + BigInt(randomInt(1_000_000));
  const involvedObject: KubeObject = {
    kind: e.kind,
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    apiVersion: API_VERSION[e.kind],
    resourceVersion: meta.resourceVersion,
  };
  if (e.fieldPath) involvedObject.fieldPath = e.fieldPath;
  const source: KubeObject = { component: e.component };
  if (e.host) source.host = e.host;
  return store.put('Event', {
    metadata: { name: `${meta.name}.${nanos.toString(16)}`, namespace: meta.namespace, creationTimestamp: at },
    involvedObject,
    reason: e.reason,
    message: e.message,
    source,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    type: e.type ?? 'Normal',
    eventTime: null,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
  });
}

/** What the kubelet reports while starting a fresh pod. */
export function recordPodStarted(store: ObjectStore, pod: KubeObject): void {
  const host = pod.spec.nodeName;
  const ns = pod.metadata.namespace;
  const base = { kind: 'Pod' as const, object: pod };
  recordEvent(store, {
    ...base,
    reason: 'Scheduled',
    message: `Successfully assigned ${ns}/${pod.metadata.name} to ${host}`,
    component: 'default-scheduler',
  });
  for (const c of pod.spec.containers ?? []) {
    const fieldPath = `spec.containers{${c.name}}`;
    const k = { ...base, component: 'kubelet', host, fieldPath };
    recordEvent(store, { ...k, reason: 'Pulled', message: `Container image "${c.image}" already present on machine` });
    recordEvent(store, { ...k, reason: 'Created', message: `Created container: ${c.name}` });
    recordEvent(store, { ...k, reason: 'Started', message: `Started container ${c.name}` });
  }
}

/** What the kubelet reports while stopping a deleted pod's containers. */
export function recordPodKilled(store: ObjectStore, pod: KubeObject): void {
  for (const c of pod.spec?.containers ?? []) {
    recordEvent(store, {
      kind: 'Pod',
      object: pod,
      reason: 'Killing',
      message: `Stopping container ${c.name}`,
      component: 'kubelet',
      host: pod.spec.nodeName,
      fieldPath: `spec.containers{${c.name}}`,
    });
  }
}
