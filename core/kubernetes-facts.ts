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
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  lastTimestamp?: string;
}

export interface LogExcerpt {
  container: string;
  previous: boolean;
  text: string;
}

/** What the investigation found in the cluster; `problems` says plainly what could not be read and why. */
export interface KubernetesFacts {
  pod?: PodLike;
  events: EventLike[];
  logs: LogExcerpt[];
  problems: string[];
}

/** Deployment that owns a pod, read from the ReplicaSet owner name (`<deployment>-<pod-template-hash>`). */
export function owningDeployment(pod: PodLike): string | undefined {
  const rs = pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
  if (!rs) return undefined;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (hash && rs.name.endsWith(`-${hash}`)) return rs.name.slice(0, -(hash.length + 1));
  return rs.name.replace(/-[a-z0-9]{5,10}$/, '');
}
