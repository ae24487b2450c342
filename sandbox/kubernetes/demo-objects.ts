/** Building blocks of the demo world: the cart pod template, its ReplicaSets, owner references, pod conditions. */
import type { KubeObject } from './types.js';

/** The pod template as the apiserver stores it, defaults included, so ReplicaSets and pods match it exactly. */
export function cartTemplate(version: string): KubeObject {
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

export interface ReplicaSetInput {
  namespace: string;
  owner: KubeObject;
  name: string;
  uid: string;
  hash: string;
  version: string;
  revision: string;
  replicas: number;
  created: string;
  status: KubeObject;
}

/** A ReplicaSet of the cart Deployment, with the template it was cut from. */
export function cartReplicaSet(input: ReplicaSetInput): KubeObject {
  const { namespace, owner, name, uid, hash, version, revision, replicas, created, status } = input;
  const tpl = cartTemplate(version);
  tpl.metadata.labels['pod-template-hash'] = hash;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace,
      uid,
      generation: replicas === 0 ? 2 : 1,
      creationTimestamp: created,
      labels: { ...tpl.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': '1',
        'deployment.kubernetes.io/max-replicas': '2',
        'deployment.kubernetes.io/revision': revision,
      },
      ownerReferences: [owner],
    },
    spec: { replicas, selector: { matchLabels: { app: 'cart', 'pod-template-hash': hash } }, template: tpl },
    status,
  };
}

export function controllerRef(kind: string, name: string, uid: string): KubeObject {
  return { apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export function ready(type: string, since: string): KubeObject {
  return { type, status: 'True', lastProbeTime: null, lastTransitionTime: since };
}

export function notReady(type: string, since: string): KubeObject {
  return {
    type,
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: since,
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [cart]',
  };
}
