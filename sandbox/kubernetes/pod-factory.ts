/** Builds the Running+Ready pods a ReplicaSet controller and kubelet would produce from a pod template. */
import { createHash, randomInt } from 'node:crypto';
import { isoTime, newUid, randomSuffix } from './names.js';
import type { KubeObject } from './types.js';

const CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

export interface Owner {
  name: string;
  uid: string;
}

export interface HealthyPodInput {
  namespace: string;
  owner: Owner;
  template: KubeObject;
  nodeName?: string;
  hostIP?: string;
  now?: number;
}

export function healthyPod(input: HealthyPodInput): KubeObject {
  const { namespace, owner, template, nodeName, hostIP, now = Date.now() } = input;
  const name = `${owner.name}-${randomSuffix()}`;
  const at = isoTime(now);
  const spec: KubeObject = structuredClone(template.spec ?? {});
  spec.nodeName = nodeName ?? spec.nodeName ?? 'sandbox-node-1';
  const podIP = `10.244.${randomInt(1, 255)}.${randomInt(2, 255)}`;
  const node = hostIP ?? '192.168.49.2';
  const metadata: KubeObject = {
    name,
    generateName: `${owner.name}-`,
    namespace,
    uid: newUid(),
    creationTimestamp: at,
    labels: { ...(template.metadata?.labels ?? {}) },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...owner, controller: true, blockOwnerDeletion: true },
    ],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  return {
    metadata,
    spec,
    status: {
      phase: 'Running',
      conditions: CONDITIONS.map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at })),
      hostIP: node,
      hostIPs: [{ ip: node }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: at,
      containerStatuses: (spec.containers ?? []).map((c: KubeObject) => runningStatus(c, at)),
      qosClass: qosClass(spec.containers ?? []),
    },
  };
}

/** The template a replacement for `pod` is cut from: the pod's own labels, annotations and spec. */
export function templateOf(pod: KubeObject): KubeObject {
  const labels = pod.metadata?.labels;
  const annotations = pod.metadata?.annotations;
  return { metadata: { labels, annotations }, spec: pod.spec };
}

/** The ReplicaSet that controls a pod, from its ownerReferences. */
export function controllerOf(pod: KubeObject): Owner | undefined {
  const refs: KubeObject[] = pod.metadata?.ownerReferences ?? [];
  const ref = refs.find((r) => r.kind === 'ReplicaSet' && r.controller !== false);
  return ref ? { name: ref.name, uid: ref.uid } : undefined;
}

export function isReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: KubeObject) => c.type === 'Ready' && c.status === 'True');
}

function runningStatus(container: KubeObject, at: string): KubeObject {
  const image = String(container.image ?? '');
  const repo = image.split('@')[0].replace(/:[^/:]+$/, '');
  return {
    name: container.name,
    state: { running: { startedAt: at } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image,
    imageID: `${repo}@sha256:${sha256(image)}`,
    containerID: `containerd://${sha256(`${image}/${at}/${randomSuffix(8)}`)}`,
    started: true,
  };
}

/** Guaranteed when every container's requests equal its cpu+memory limits, BestEffort with none at all. */
function qosClass(containers: KubeObject[]): string {
  const res = containers.map((c) => c.resources ?? {});
  const none = (m: object | undefined) => !Object.keys(m ?? {}).length;
  if (res.every((r) => none(r.requests) && none(r.limits))) return 'BestEffort';
  const guaranteed = res.every((r) =>
    ['cpu', 'memory'].every((k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits[k]) === r.limits[k]),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
