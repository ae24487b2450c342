/** Shared shapes of the local Kubernetes API test server. */

// Objects are the API's own loose JSON (timestamps are strings), so a typed model like V1Pod would not fit them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

export type Kind = 'Pod' | 'Deployment' | 'ReplicaSet' | 'Event' | 'Node';

export const KINDS: readonly Kind[] = ['Pod', 'Deployment', 'ReplicaSet', 'Event', 'Node'];

/** Kinds without a namespace: stored under the empty namespace, and never given one. */
export const CLUSTER_SCOPED: ReadonlySet<Kind> = new Set(['Node']);

/** Same shape as CONTRACT section 5's "kubernetes" key, plus optional ReplicaSets and Nodes. */
export interface KubernetesWorld {
  pods?: KubeObject[];
  deployments?: KubeObject[];
  replicaSets?: KubeObject[];
  events?: KubeObject[];
  /** v1 Nodes (cluster-scoped); events about them live in namespace default, as the node controller writes them. */
  nodes?: KubeObject[];
  /** 'NAMESPACE/POD/CONTAINER' and 'NAMESPACE/POD/CONTAINER#previous' */
  logs?: Record<string, string>;
  /** 'NAMESPACE/POD': per-pod usage, spread evenly over the pod's containers */
  metrics?: Record<string, { cpu: string; memory: string }>;
}

export type MutationVerb = 'delete' | 'patch' | 'create' | 'update';

/** One mutating request that was applied or dry-run; `path` is the URL path without the query. */
export interface Mutation {
  verb: MutationVerb;
  path: string;
  kind: string;
  namespace: string;
  name: string;
  body?: unknown;
  dryRun: boolean;
  at: number;
}

export interface RequestRecord {
  method: string;
  /** The request target as sent, query included. */
  path: string;
  at: number;
}

export interface FailRule {
  method?: string;
  pathIncludes?: string;
  status: number;
  remaining: number;
}
