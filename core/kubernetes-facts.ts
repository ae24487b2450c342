/**
 * The slice of Kubernetes objects the analyser reads, typed loosely on purpose: activities hand over the API's own
 * JSON, and scenario files carry the same shapes.
 */
export interface ContainerStateLike {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; message?: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatusLike {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}

export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid?: string }[];
  };
  spec?: {
    nodeName?: string;
    containers?: { name: string; image?: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
    volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string; namespace?: string; fieldPath?: string };
  lastTimestamp?: string;
}

export interface LogExcerpt {
  container: string;
  previous: boolean;
  text: string;
}

export interface ConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid?: string }[];
}

type PodTemplateLike = { spec?: { containers?: { name: string; image?: string; resources?: { limits?: Record<string, string> } }[] } };

export interface DeploymentLike {
  metadata?: ObjectMetaLike;
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: PodTemplateLike };
  status?: {
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: ConditionLike[];
  };
}

export interface ReplicaSetLike {
  metadata?: ObjectMetaLike;
  spec?: { replicas?: number; template?: PodTemplateLike };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface NodeLike {
  metadata?: ObjectMetaLike;
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: { conditions?: ConditionLike[] };
}

/** One answer of the Prometheus HTTP API: the query and its `data.result` array (vector or matrix). */
export interface PrometheusResult {
  query: string;
  result: unknown[];
}

/** What the investigation found in the cluster; `problems` says plainly what could not be read and why. */
export interface KubernetesFacts {
  pod?: PodLike;
  events: EventLike[];
  logs: LogExcerpt[];
  problems: string[];
  /** The Deployment owning the pod (or named by the alert). */
  deployment?: DeploymentLike;
  /** That Deployment's ReplicaSets, with their `deployment.kubernetes.io/revision` annotations. */
  replicaSets?: ReplicaSetLike[];
  /** The Deployment's pods, the diagnosed pod included: shows whether a failure is one pod's or everyone's. */
  pods?: PodLike[];
  /** Nodes the pods run on (or the node named by the alert). */
  nodes?: NodeLike[];
  /** metrics.k8s.io usage by `NAMESPACE/POD`. */
  metrics?: Record<string, { cpu?: string; memory?: string }>;
  prometheus?: PrometheusResult[];
}

/** Deployment that owns a pod, read from the ReplicaSet owner name (`<deployment>-<pod-template-hash>`). */
export function owningDeployment(pod: PodLike): string | undefined {
  const rs = pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
  if (!rs) return undefined;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (hash && rs.name.endsWith(`-${hash}`)) return rs.name.slice(0, -(hash.length + 1));
  return rs.name.replace(/-[a-z0-9]{5,10}$/, '');
}
