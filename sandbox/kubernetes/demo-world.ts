/**
 * The sandbox's demo workload: Deployment shop/cart whose only pod is in CrashLoopBackOff because its Redis cache
 * refused connections at start-up. Redis is back, so deleting the pod (or a rollout restart) would clear it.
 * Every field is shaped as the API reports it; timestamps are relative to `now`.
 */
import { crashRunLog } from './demo-logs.js';
import { cartReplicaSet, cartTemplate, controllerRef, notReady, ready } from './demo-objects.js';
import { isoTime } from './names.js';
import type { KubeObject, KubernetesWorld } from './types.js';

export const DEMO_NAMESPACE = 'shop';
export const DEMO_DEPLOYMENT = 'cart';
export const DEMO_REPLICASET = 'cart-7d9f8b6c5';
export const DEMO_POD = 'cart-7d9f8b6c5-x2k4p';
export const DEMO_POD_UID = '5f1c7a2e-8b3d-4c69-9e0a-2d4b6f8a1c37';
export const DEMO_NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

const DEPLOYMENT_UID = 'a3e9c0d2-4f61-4b8a-9c2e-7d15b0f3e8a4';
const RS_UID = 'c81f4b6a-2d9e-4e37-b5a0-93f6d2c4e1b8';
const PREVIOUS_RS = 'cart-6b8d5f7c9';
const PREVIOUS_RS_UID = '0d7e2b94-6c1a-4f85-a3d9-4b2e8c6f1a05';
const NODE = DEMO_NODE;
const HOST_IP = '10.0.1.23';
const POD_IP = '10.0.1.87';
const DIGEST = 'sha256:4b7e0f2a9c13d5e8f6a21b0c7d94e3f58a6b2c1d0e9f87a6b5c4d3e2f1a0b9c8';
const CONTAINER_ID = 'containerd://9e41c0b7d2f35a86e1c4b7d0a93f2e58c6b1d4a7f0e39c2b5d8a1f4e7c0b3d96';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function demoWorld(now: number = Date.now()): KubernetesWorld {
  const t = (agoMs: number) => isoTime(now - agoMs);
  const lastStart = now - 5 * MIN - 41_000;
  const lastFinish = lastStart + 1_800;
  const podRef = `${DEMO_POD}_${DEMO_NAMESPACE}(${DEMO_POD_UID})`;
  // The kubelet's wording for a container waiting out its back-off, as the API reports it.
  const backOffMessage = `back-off 5m0s restarting failed container=cart pod=${podRef}`;
  const rsCommon = { namespace: DEMO_NAMESPACE, owner: controllerRef('Deployment', DEMO_DEPLOYMENT, DEPLOYMENT_UID) };

  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: DEMO_DEPLOYMENT,
      namespace: DEMO_NAMESPACE,
      uid: DEPLOYMENT_UID,
      generation: 5,
      creationTimestamp: t(41 * DAY),
      labels: { app: 'cart', 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'cart' } },
      template: cartTemplate('1.8.2'),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 5,
      replicas: 1,
      updatedReplicas: 1,
      unavailableReplicas: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: t(2 * DAY - 40_000),
          lastTransitionTime: t(9 * DAY),
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${DEMO_REPLICASET}" has successfully progressed.`,
        },
        {
          type: 'Available',
          status: 'False',
          lastUpdateTime: t(52 * MIN),
          lastTransitionTime: t(52 * MIN),
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
      ],
    },
  };

  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: DEMO_POD,
      generateName: `${DEMO_REPLICASET}-`,
      namespace: DEMO_NAMESPACE,
      uid: DEMO_POD_UID,
      creationTimestamp: t(2 * DAY),
      labels: { app: 'cart', 'app.kubernetes.io/part-of': 'shop', 'pod-template-hash': '7d9f8b6c5' },
      ownerReferences: [controllerRef('ReplicaSet', DEMO_REPLICASET, RS_UID)],
    },
    spec: {
      ...cartTemplate('1.8.2').spec,
      nodeName: NODE,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [
        ready('PodReadyToStartContainers', t(2 * DAY - 4_000)),
        ready('Initialized', t(2 * DAY)),
        notReady('Ready', t(52 * MIN)),
        notReady('ContainersReady', t(52 * MIN)),
        ready('PodScheduled', t(2 * DAY)),
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP: POD_IP,
      podIPs: [{ ip: POD_IP }],
      startTime: t(2 * DAY),
      containerStatuses: [
        {
          name: 'cart',
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: backOffMessage },
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: isoTime(lastStart),
              finishedAt: isoTime(lastFinish),
              containerID: CONTAINER_ID,
            },
          },
          ready: false,
          restartCount: 14,
          image: 'ghcr.io/acme/cart:1.8.2',
          imageID: `ghcr.io/acme/cart@${DIGEST}`,
          containerID: CONTAINER_ID,
          started: false,
        },
      ],
      qosClass: 'Burstable',
    },
  };

  const kubelet = {
    source: { component: 'kubelet', host: NODE },
    reportingComponent: 'kubelet',
    reportingInstance: NODE,
  };
  // [reason, type, message, count, first seen ago, last seen ago, name suffix]
  type Row = [string, string, string, number, number, number, string];
  const podEvent = ([reason, type, message, count, firstAgo, lastAgo, suffix]: Row) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${DEMO_POD}.${suffix}`, namespace: DEMO_NAMESPACE, creationTimestamp: t(firstAgo) },
    involvedObject: {
      kind: 'Pod',
      namespace: DEMO_NAMESPACE,
      name: DEMO_POD,
      uid: DEMO_POD_UID,
      apiVersion: 'v1',
      resourceVersion: '48213077',
      fieldPath: 'spec.containers{cart}',
    },
    reason,
    message,
    ...kubelet,
    firstTimestamp: t(firstAgo),
    lastTimestamp: t(lastAgo),
    count,
    type,
    eventTime: null,
  });
  const lastRunAgo = now - lastStart;
  const pulled = 'Container image "ghcr.io/acme/cart:1.8.2" already present on machine';
  const backOff = `Back-off restarting failed container cart in pod ${podRef}`;
  const rows: Row[] = [
    ['Pulled', 'Normal', pulled, 14, 52 * MIN, lastRunAgo, '17f3c2a9b84d0e61'],
    ['Created', 'Normal', 'Created container: cart', 14, 52 * MIN, lastRunAgo, '17f3c2a9b9a1c4f2'],
    ['Started', 'Normal', 'Started container cart', 14, 52 * MIN, lastRunAgo - 100, '17f3c2a9c2e5b7d3'],
    ['BackOff', 'Warning', backOff, 231, 51 * MIN, 20_000, '17f3c2aa0f6d8e94'],
  ];
  const events = rows.map(podEvent);

  return {
    nodes: [demoNode(t)],
    deployments: [deployment],
    replicaSets: [
      cartReplicaSet({
        ...rsCommon,
        name: DEMO_REPLICASET,
        uid: RS_UID,
        hash: '7d9f8b6c5',
        version: '1.8.2',
        revision: '3',
        replicas: 1,
        created: t(2 * DAY),
        status: { replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 },
      }),
      cartReplicaSet({
        ...rsCommon,
        name: PREVIOUS_RS,
        uid: PREVIOUS_RS_UID,
        hash: '6b8d5f7c9',
        version: '1.8.1',
        revision: '2',
        replicas: 0,
        created: t(9 * DAY),
        status: { replicas: 0, observedGeneration: 2 },
      }),
    ],
    pods: [pod],
    events,
    logs: {
      [`${DEMO_NAMESPACE}/${DEMO_POD}/cart`]: crashRunLog(lastStart),
      [`${DEMO_NAMESPACE}/${DEMO_POD}/cart#previous`]: crashRunLog(lastStart - 5 * MIN - 10_000),
    },
    metrics: { [`${DEMO_NAMESPACE}/${DEMO_POD}`]: { cpu: '1m', memory: '9Mi' } },
  };
}

/** The healthy node the cart pod runs on, as `kubectl get node -o json` shows it (image list left out). */
function demoNode(t: (agoMs: number) => string): KubeObject {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type, status, lastHeartbeatTime: t(40_000), lastTransitionTime: t(30 * DAY), reason, message,
  });
  const resources = { cpu: '2', 'ephemeral-storage': '83873772Ki', memory: '7926384Ki', pods: '29' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE,
      uid: '7b2e4d91-0c3a-4f58-b6e1-2d9a8c4f7e30',
      creationTimestamp: t(30 * DAY),
      labels: {
        'kubernetes.io/hostname': NODE,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm6i.large',
        'topology.kubernetes.io/zone': 'eu-west-1a',
      },
    },
    spec: { providerID: 'aws:///eu-west-1a/i-0a1b2c3d4e5f60718' },
    status: {
      capacity: resources,
      allocatable: { ...resources, cpu: '1930m', memory: '7209584Ki' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: HOST_IP }, { type: 'Hostname', address: NODE }],
      nodeInfo: {
        kubeletVersion: 'v1.31.4', containerRuntimeVersion: 'containerd://1.7.24', osImage: 'Amazon Linux 2023',
        kernelVersion: '6.1.119-129.201.amzn2023.x86_64', architecture: 'amd64', operatingSystem: 'linux',
      },
    },
  };
}
