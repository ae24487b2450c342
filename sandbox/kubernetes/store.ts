/** The in-memory object store: one map per kind keyed by namespace/name, plus scenario logs and metrics. */
import { isoTime, newUid, randomSuffix } from './names.js';
import { CLUSTER_SCOPED, KINDS } from './types.js';
import type { Kind, KubeObject, KubernetesWorld } from './types.js';

export const API_VERSION: Record<Kind, string> = {
  Pod: 'v1',
  Event: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Node: 'v1',
};

const WORLD_KEY: Record<Kind, keyof KubernetesWorld> = {
  Pod: 'pods',
  Event: 'events',
  Deployment: 'deployments',
  ReplicaSet: 'replicaSets',
  Node: 'nodes',
};

export class ObjectStore {
  private readonly objects = new Map<Kind, Map<string, KubeObject>>(KINDS.map((k) => [k, new Map()]));
  readonly logs = new Map<string, string>();
  readonly metrics = new Map<string, { cpu: string; memory: string }>();
  private revision = 1000;

  /** Replaces everything with a deep copy of the world, filling in uid/resourceVersion/namespace where missing. */
  load(world: KubernetesWorld): void {
    for (const m of this.objects.values()) m.clear();
    this.logs.clear();
    this.metrics.clear();
    const copy = structuredClone(world);
    for (const kind of KINDS) {
      for (const obj of (copy[WORLD_KEY[kind]] as KubeObject[] | undefined) ?? []) this.put(kind, obj);
    }
    for (const [k, v] of Object.entries(copy.logs ?? {})) this.logs.set(k, v);
    for (const [k, v] of Object.entries(copy.metrics ?? {})) this.metrics.set(k, v);
  }

  /** The stored object itself (callers that hand it out must clone). */
  get(kind: Kind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(kind)!.get(key(kind, namespace, name));
  }

  /** One namespace's objects, or all of them; a cluster-scoped kind ignores the namespace. */
  list(kind: Kind, namespace?: string): KubeObject[] {
    const all = [...this.objects.get(kind)!.values()];
    return namespace === undefined || CLUSTER_SCOPED.has(kind) ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Stores (or replaces) an object, stamping a fresh resourceVersion like every etcd write. */
  put(kind: Kind, obj: KubeObject): KubeObject {
    const meta = (obj.metadata ??= {});
    if (CLUSTER_SCOPED.has(kind)) delete meta.namespace;
    else meta.namespace ??= 'default';
    meta.name ??= kind === 'Event' ? `${obj.involvedObject?.name ?? 'event'}.${randomSuffix(16)}` : randomSuffix();
    meta.uid ??= newUid();
    meta.creationTimestamp ??= isoTime();
    meta.resourceVersion = this.bump();
    delete obj.kind;
    delete obj.apiVersion;
    this.objects.get(kind)!.set(key(kind, meta.namespace, meta.name), obj);
    return obj;
  }

  remove(kind: Kind, namespace: string, name: string): KubeObject | undefined {
    const obj = this.get(kind, namespace, name);
    this.objects.get(kind)!.delete(key(kind, namespace, name));
    if (obj) this.bump();
    return obj;
  }

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Namespaces that hold anything, plus the ones every cluster has. */
  namespaces(): string[] {
    const names = new Set(['default', 'kube-system']);
    for (const [kind, m] of this.objects) {
      if (!CLUSTER_SCOPED.has(kind)) for (const o of m.values()) names.add(o.metadata.namespace);
    }
    for (const k of [...this.logs.keys(), ...this.metrics.keys()]) names.add(k.split('/')[0]);
    return [...names].sort();
  }

  private bump(): string {
    return String(++this.revision);
  }
}

function key(kind: Kind, namespace: string | undefined, name: string): string {
  return CLUSTER_SCOPED.has(kind) ? name : `${namespace}/${name}`;
}

/** A single object as a GET returns it: a copy with kind and apiVersion first. */
export function asObject(kind: Kind, obj: KubeObject): KubeObject {
  return { kind, apiVersion: API_VERSION[kind], ...structuredClone(obj) };
}

/** A list as the apiserver returns it: items carry neither kind nor apiVersion. */
export function asList(kind: Kind, items: KubeObject[], resourceVersion: string): KubeObject {
  const list = { kind: `${kind}List`, apiVersion: API_VERSION[kind], metadata: { resourceVersion } };
  return { ...list, items: structuredClone(items) };
}
