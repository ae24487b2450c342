// Builders for Kubernetes objects shaped as the API returns them, and Alertmanager v4 webhooks.
import { createHash } from 'node:crypto';
export const NOW = Date.parse('2026-11-20T14:30:00Z');
export const t = (agoMs) => new Date(NOW - agoMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const MIN = 60_000, HOUR = 60 * MIN, DAY = 24 * HOUR;
const hex = (s, n) => createHash('sha256').update(s).digest('hex').slice(0, n);
export const uid = (s) => { const h = hex(s, 32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`; };

export function alertmanager({ alertname, severity = 'warning', labels = {}, summary, description = '', startsAgo = 10 * MIN, expr, extraAnnotations = {} }) {
  const all = { alertname, severity, prometheus: 'monitoring/k8s', ...labels };
  const gen = expr ? `http://prometheus-k8s-0:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1` : 'http://prometheus-k8s-0:9090/graph';
  return {
    receiver: 'lookout', status: 'firing',
    alerts: [{
      status: 'firing', labels: all,
      annotations: { summary, description, runbook_url: `https://runbooks.prometheus-operator.dev/runbooks/kubernetes/${alertname.toLowerCase()}`, ...extraAnnotations },
      startsAt: t(startsAgo), endsAt: '0001-01-01T00:00:00Z', generatorURL: gen, fingerprint: hex(JSON.stringify(all), 16),
    }],
    groupLabels: { alertname }, commonLabels: all, commonAnnotations: { summary },
    externalURL: 'http://alertmanager-main-0:9093', version: '4', groupKey: `{}/{severity=~"warning|critical"}:{alertname="${alertname}"}`, truncatedAlerts: 0,
  };
}

export function container({ name, image, limits, requests, ports }) {
  return {
    name, image, ...(ports ? { ports } : {}),
    resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
  };
}

export function deployment({ ns, name, replicas, containers, revision, labels = { app: name }, conditions, status = {}, created = 60 * DAY, progressDeadline = 600 }) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: ns, uid: uid(`deploy/${ns}/${name}`), generation: revision + 1, creationTimestamp: t(created), labels: { ...labels },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
    spec: { replicas, selector: { matchLabels: { ...labels } }, template: { metadata: { labels: { ...labels } }, spec: { containers } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: progressDeadline },
    status: { observedGeneration: revision + 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, ...status,
      conditions: conditions ?? [
        { type: 'Available', status: 'True', lastUpdateTime: t(created), lastTransitionTime: t(created), reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: t(3 * DAY), lastTransitionTime: t(created), reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-xxxx" has successfully progressed.` },
      ] },
  };
}

export function replicaSet({ ns, deploy, hash, revision, containers, replicas, ready = replicas, created, labels = { app: deploy } }) {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: `${deploy}-${hash}`, namespace: ns, uid: uid(`rs/${ns}/${deploy}-${hash}`), creationTimestamp: t(created),
      labels: { ...labels, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy, uid: uid(`deploy/${ns}/${deploy}`), controller: true, blockOwnerDeletion: true }] },
    spec: { replicas, selector: { matchLabels: { ...labels, 'pod-template-hash': hash } }, template: { metadata: { labels: { ...labels, 'pod-template-hash': hash } }, spec: { containers } } },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
  };
}

const cond = (type, status, ago, extra = {}) => ({ type, status, lastProbeTime: null, lastTransitionTime: t(ago), ...extra });

export const running = (ago) => ({ running: { startedAt: t(ago) } });
export const waiting = (reason, message) => ({ waiting: { reason, ...(message ? { message } : {}) } });
export const terminated = (reason, exitCode, startAgo, finishAgo) => ({ terminated: { exitCode, reason, startedAt: t(startAgo), finishedAt: t(finishAgo), containerID: `containerd://${hex(reason + startAgo, 64)}` } });

/** A pod; `statuses` is one entry per container: { state, lastState, ready, restartCount }. */
export function pod({ ns, name, owner, labels, node: assigned, containers, statuses, phase = 'Running', created = 2 * DAY, ready, scheduled = true, schedMessage, volumes, qos = 'Burstable' }) {
  const node = scheduled ? assigned : undefined;
  const isReady = ready ?? statuses.every((s) => s.ready);
  const podConditions = scheduled ? [
    cond('PodReadyToStartContainers', 'True', created - 3000), cond('Initialized', 'True', created),
    isReady ? cond('Ready', 'True', created - 8000) : cond('Ready', 'False', 20 * MIN, { reason: 'ContainersNotReady', message: `containers with unready status: [${statuses.filter((s) => !s.ready).map((s, i) => s.name ?? containers[i].name).join(' ')}]` }),
    isReady ? cond('ContainersReady', 'True', created - 8000) : cond('ContainersReady', 'False', 20 * MIN, { reason: 'ContainersNotReady', message: `containers with unready status: [${statuses.filter((s) => !s.ready).map((s, i) => s.name ?? containers[i].name).join(' ')}]` }),
    cond('PodScheduled', 'True', created),
  ] : [cond('PodScheduled', 'False', created, { reason: 'Unschedulable', message: schedMessage })];
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, generateName: owner.kind === 'ReplicaSet' ? `${owner.name}-` : undefined, namespace: ns, uid: uid(`pod/${ns}/${name}`), creationTimestamp: t(created), labels,
      ownerReferences: [{ apiVersion: owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: owner.kind, name: owner.name, uid: uid(`${owner.kind}/${ns}/${owner.name}`), controller: true, blockOwnerDeletion: true }] },
    spec: { containers, ...(volumes ? { volumes } : {}), restartPolicy: owner.kind === 'Job' ? 'Never' : 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default', ...(node ? { nodeName: node } : {}), schedulerName: 'default-scheduler', priority: 0,
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
    status: {
      phase, conditions: podConditions, qosClass: qos,
      ...(node ? { hostIP: '10.0.12.14', podIP: `10.0.${name.length}.${name.charCodeAt(name.length - 1)}`, startTime: t(created) } : {}),
      ...(scheduled ? { containerStatuses: statuses.map((s, i) => ({
        name: containers[i].name, state: s.state, lastState: s.lastState ?? {}, ready: s.ready, restartCount: s.restartCount ?? 0,
        image: containers[i].image, imageID: s.state.waiting?.reason?.includes('Image') ? '' : `${containers[i].image.split(':')[0]}@sha256:${hex(containers[i].image, 64)}`,
        started: !!s.state.running, ...(s.state.running || s.state.terminated ? { containerID: `containerd://${hex(name + i, 64)}` } : {}),
      })) } : {}),
    },
  };
}

export function event({ ns, kind = 'Pod', name, reason, type = 'Warning', message, count = 1, firstAgo = 20 * MIN, lastAgo = MIN, component = 'kubelet', host, fieldPath }) {
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${name}.${hex(reason + message, 16)}`, namespace: ns ?? 'default', creationTimestamp: t(firstAgo) },
    involvedObject: { kind, ...(ns && kind !== 'Node' ? { namespace: ns } : {}), name, uid: uid(`${kind}/${ns}/${name}`), apiVersion: ['Deployment', 'ReplicaSet'].includes(kind) ? 'apps/v1' : 'v1', ...(fieldPath ? { fieldPath } : {}) },
    reason, message, source: { component, ...(host ? { host } : {}) }, reportingComponent: component, reportingInstance: host ?? '',
    firstTimestamp: t(firstAgo), lastTimestamp: t(lastAgo), count, type, eventTime: null,
  };
}

export function node({ name, ready = 'True', reason = 'KubeletReady', message = 'kubelet is posting ready status', ago = 30 * DAY, taints = [], pressure = {} }) {
  const c = (type, status, r, m, a = ago) => ({ type, status, lastHeartbeatTime: t(ready === 'Unknown' ? 6 * MIN : 20_000), lastTransitionTime: t(a), reason: r, message: m });
  const unknown = ready === 'Unknown';
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: uid(`node/${name}`), labels: { 'kubernetes.io/hostname': name, 'node.kubernetes.io/instance-type': 'm6i.xlarge', 'topology.kubernetes.io/zone': 'eu-west-1a' } },
    spec: { providerID: `aws:///eu-west-1a/i-0${hex(name, 16)}`, ...(taints.length ? { taints } : {}) },
    status: { conditions: [
      c('MemoryPressure', unknown ? 'Unknown' : pressure.memory ?? 'False', unknown ? 'NodeStatusUnknown' : 'KubeletHasSufficientMemory', unknown ? 'Kubelet stopped posting node status.' : 'kubelet has sufficient memory available'),
      c('DiskPressure', unknown ? 'Unknown' : pressure.disk ?? 'False', unknown ? 'NodeStatusUnknown' : 'KubeletHasNoDiskPressure', unknown ? 'Kubelet stopped posting node status.' : 'kubelet has no disk pressure'),
      c('PIDPressure', unknown ? 'Unknown' : 'False', unknown ? 'NodeStatusUnknown' : 'KubeletHasSufficientPID', unknown ? 'Kubelet stopped posting node status.' : 'kubelet has sufficient PID available'),
      c('Ready', ready, reason, message, ready === 'True' ? ago : 7 * MIN),
    ], nodeInfo: { kubeletVersion: 'v1.30.4', containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Amazon Linux 2023' } },
  };
}

export const ts = (ago) => (NOW - ago) / 1000;
export const vector = (metric, v) => ({ metric, value: [ts(0), String(v)] });
export const matrix = (metric, values) => ({ metric, values: values.map((v, i) => [ts((values.length - 1 - i) * MIN), String(v)]) });
