/**
 * The sandbox's demo workload: Deployment shop/cart whose only pod is in CrashLoopBackOff because its Redis cache
 * refused connections at start-up. Redis is back, so deleting the pod (or a rollout restart) would clear it.
 * Every field is shaped as the API reports it; timestamps are relative to `now`.
 */
import { crashRunLog } from './demo-logs.js';
import { isoTime } from './names.js';
import type { KubeObject, KubernetesWorld } from './types.js';

export const DEMO_NAMESPACE = 'shop';
export const DEMO_DEPLOYMENT = 'cart';
export const DEMO_REPLICASET = 'cart-7d9f8b6c5';
export const DEMO_POD = 'cart-7d9f8b6c5-x2k4p';
export const DEMO_POD_UID = '5f1c7a2e-8b3d-4c69-9e0a-2d4b6f8a1c37';

const DEPLOYMENT_UID = 'a3e9c0d2-4f61-4b8a-9c2e-7d15b0f3e8a4';
const RS_UID = 'c81f4b6a-2d9e-4e37-b5a0-93f6d2c4e1b8';
const PREVIOUS_RS = 'cart-6b8d5f7c9';
const PREVIOUS_RS_UID = '0d7e2b94-6c1a-4f85-a3d9-4b2e8c6f1a05';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const HOST_IP = '10.0.1.23';
const POD_IP = '10.0.1.87';
const DIGEST = 'sha256:4b7e0f2a9c13d5e8f6a21b0c7d94e3f58a6b2c1d0e9f87a6b5c4d3e2f1a0b9c8';
const CONTAINER_ID = 'containerd://9e41c0b7d2f35a86e1c4b7d0a93f2e58c6b1d4a7f0e39c2b5d8a1f4e7c0b3d96';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function demoWorld(now: number = Date.now()): KubernetesWorld {
  const t = (agoMs: number) => isoTime(now - agoMs);
  const crashStarted = now - 52 * MIN;
  const lastStart = now - 5 * MIN - 41_000;
  const lastFinish = lastStart + 1_800;
  const podRef = `${DEMO_POD}_${DEMO_NAMESPACE}(${DEMO_POD_UID})`;

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
      template: template('1.8.2'),
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
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: DEMO_REPLICASET, uid: RS_UID, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      ...template('1.8.2').spec,
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
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t(2 * DAY - 4_000) },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t(2 * DAY) },
        notReady('Ready', t(52 * MIN)),
        notReady('ContainersReady', t(52 * MIN)),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t(2 * DAY) },
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
            waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=cart pod=${podRef}` },
          },
          lastState: {
            terminated: { exitCode: 1, reason: 'Error', startedAt: isoTime(lastStart), finishedAt: isoTime(lastFinish), containerID: CONTAINER_ID },
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

  const kubelet = { source: { component: 'kubelet', host: NODE }, reportingComponent: 'kubelet', reportingInstance: NODE };
  const podEvent = (reason: string, type: string, message: string, count: number, firstAgo: number, lastAgo: number, suffix: string) => ({
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
  const events = [
    podEvent('Pulled', 'Normal', 'Container image "ghcr.io/acme/cart:1.8.2" already present on machine', 14, 52 * MIN, lastRunAgo, '17f3c2a9b84d0e61'),
    podEvent('Created', 'Normal', 'Created container: cart', 14, 52 * MIN, lastRunAgo, '17f3c2a9b9a1c4f2'),
    podEvent('Started', 'Normal', 'Started container cart', 14, 52 * MIN, lastRunAgo - 100, '17f3c2a9c2e5b7d3'),
    podEvent('BackOff', 'Warning', `Back-off restarting failed container cart in pod ${podRef}`, 231, 51 * MIN, 20_000, '17f3c2aa0f6d8e94'),
  ];

  return {
    deployments: [deployment],
    replicaSets: [
      replicaSet(DEMO_REPLICASET, RS_UID, '7d9f8b6c5', '1.8.2', '3', 1, t(2 * DAY), { replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 }),
      replicaSet(PREVIOUS_RS, PREVIOUS_RS_UID, '6b8d5f7c9', '1.8.1', '2', 0, t(9 * DAY), { replicas: 0, observedGeneration: 2 }),
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

/** The pod template as the apiserver stores it, defaults included, so ReplicaSets and pods match it exactly. */
function template(version: string): KubeObject {
  return {
    metadata: { labels: { app: 'cart', 'app.kubernetes.io/part-of': 'shop' } },
    spec: {
      containers: [
        {
          name: 'cart',
          image: `ghcr.io/acme/cart:${version}`,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'REDIS_ADDR', value: 'cart-redis.shop.svc.cluster.local:6379' },
            { name: 'CACHE_REQUIRED', value: 'true' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: {
            httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

function replicaSet(name: string, uid: string, hash: string, version: string, revision: string, replicas: number, created: string, status: KubeObject): KubeObject {
  const tpl = template(version);
  tpl.metadata.labels['pod-template-hash'] = hash;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: DEMO_NAMESPACE,
      uid,
      generation: replicas === 0 ? 2 : 1,
      creationTimestamp: created,
      labels: { ...tpl.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': '1',
        'deployment.kubernetes.io/max-replicas': '2',
        'deployment.kubernetes.io/revision': revision,
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: DEMO_DEPLOYMENT, uid: DEPLOYMENT_UID, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { replicas, selector: { matchLabels: { app: 'cart', 'pod-template-hash': hash } }, template: tpl },
    status,
  };
}

function notReady(type: string, since: string): KubeObject {
  return {
    type,
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: since,
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [cart]',
  };
}
