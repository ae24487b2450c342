/**
 * A synchronous stand-in for the ReplicaSet and Deployment controllers: it converges immediately, and every pod it
 * creates is Running and Ready at once (the simplification tests want: one request, one observable end state).
 */
import { recordEvent, recordPodKilled, recordPodStarted } from './events.js';
import { isoTime, podTemplateHash, stableJson } from './names.js';
import { controllerOf, healthyPod, isReady, templateOf } from './pod-factory.js';
import { matchesLabels, selectorRequirements } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

export class Controllers {
  constructor(
    private readonly store: ObjectStore,
    private readonly opts: { recreateDeletedPods: boolean },
  ) {}

  /** After a pod was really deleted: the kubelet stops it and its ReplicaSet replaces it. */
  podDeleted(pod: KubeObject): void {
    recordPodKilled(this.store, pod);
    const owner = controllerOf(pod);
    if (!this.opts.recreateDeletedPods || !owner) return;
    const ns = pod.metadata.namespace;
    const rs = this.store.get('ReplicaSet', ns, owner.name);
    if (rs && this.ownedPods(rs).length >= (rs.spec?.replicas ?? 1)) return;
    const template = rs?.spec?.template ?? templateOf(pod);
    this.createPod(ns, rs ?? { metadata: { ...owner, namespace: ns } }, template, pod);
    if (rs) this.updateReplicaSetStatus(rs);
    const deployment = rs && this.deploymentOf(rs);
    if (deployment) this.updateDeploymentStatus(deployment);
  }

  /** After a Deployment's spec was written: roll to the template's ReplicaSet and scale it to spec.replicas. */
  deploymentChanged(d: KubeObject, templateChanged: boolean): void {
    const ns = d.metadata.namespace;
    const replicas = d.spec?.replicas ?? 1;
    const owned = this.store.list('ReplicaSet', ns).filter((rs) => ownedBy(rs, 'Deployment', d));
    let current = owned.find((rs) => sameTemplate(rs.spec?.template, d.spec?.template));
    if (!current && !templateChanged) current = this.adoptUnstoredReplicaSet(d);
    const maxRevision = Math.max(Number(d.metadata.annotations?.[REVISION] ?? 0), ...owned.map(revisionOf));
    if (!current) current = this.newReplicaSet(d, maxRevision + 1);
    else if (revisionOf(current) < maxRevision) {
      (current.metadata.annotations ??= {})[REVISION] = String(maxRevision + 1); // a rollback re-uses an old ReplicaSet
    }
    (d.metadata.annotations ??= {})[REVISION] = String(revisionOf(current) || 1);

    for (const pod of this.selectedPods(d)) {
      const owner = controllerOf(pod);
      if (owner && owner.name !== current.metadata.name) this.deletePod(pod); // orphans are not the rollout's to remove
    }
    for (const old of owned) {
      if (old === current || (old.spec?.replicas ?? 0) === 0) continue;
      this.scaleEvent(d, old, 0);
      old.spec.replicas = 0;
      this.store.put('ReplicaSet', old);
      this.updateReplicaSetStatus(old);
    }
    const pods = this.ownedPods(current);
    if ((current.spec.replicas ?? 0) !== replicas) this.scaleEvent(d, current, replicas);
    current.spec.replicas = replicas;
    for (let i = pods.length; i < replicas; i++) this.createPod(ns, current, current.spec.template);
    const surplus = [...pods].sort(byDeletionPreference).slice(0, Math.max(0, pods.length - replicas));
    for (const pod of surplus) this.deletePod(pod);
    this.store.put('ReplicaSet', current);
    this.updateReplicaSetStatus(current);
    this.updateDeploymentStatus(d);
  }

  updateDeploymentStatus(d: KubeObject): void {
    const pods = this.selectedPods(d);
    const current = this.store
      .list('ReplicaSet', d.metadata.namespace)
      .find((rs) => ownedBy(rs, 'Deployment', d) && sameTemplate(rs.spec?.template, d.spec?.template));
    const ready = pods.filter(isReady).length;
    const desired = d.spec?.replicas ?? 1;
    const updated = current ? pods.filter((p) => controllerOf(p)?.name === current.metadata.name).length : 0;
    const previous: KubeObject[] = d.status?.conditions ?? [];
    const condition = (type: string, status: string, reason: string, message: string): KubeObject => {
      const before = previous.find((c) => c.type === type);
      const now = isoTime();
      const since = before?.status === status ? before.lastTransitionTime : now;
      return { type, status, lastUpdateTime: now, lastTransitionTime: since, reason, message };
    };
    const available = ready >= desired;
    const progressed = `ReplicaSet "${current?.metadata.name}" has successfully progressed.`;
    const unavailable = 'Deployment does not have minimum availability.';
    d.status = omitZeros({
      observedGeneration: d.metadata.generation ?? 1,
      replicas: pods.length,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: Math.max(0, desired - ready),
    });
    d.status.conditions = [
      available
        ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : condition('Available', 'False', 'MinimumReplicasUnavailable', unavailable),
      condition('Progressing', 'True', 'NewReplicaSetAvailable', progressed),
    ];
    this.store.put('Deployment', d);
  }

  private updateReplicaSetStatus(rs: KubeObject): void {
    const pods = this.ownedPods(rs);
    const ready = pods.filter(isReady).length;
    rs.status = {
      replicas: pods.length,
      ...omitZeros({ fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready }),
      observedGeneration: rs.metadata.generation ?? 1,
    };
    this.store.put('ReplicaSet', rs);
  }

  private createPod(ns: string, rs: KubeObject, template: KubeObject, replacing?: KubeObject): void {
    const owner = { name: rs.metadata.name, uid: rs.metadata.uid };
    const node = { nodeName: replacing?.spec?.nodeName, hostIP: replacing?.status?.hostIP };
    const pod = this.store.put('Pod', healthyPod({ namespace: ns, owner, template, ...node }));
    const message = `Created pod: ${pod.metadata.name}`;
    const component = 'replicaset-controller';
    recordEvent(this.store, { kind: 'ReplicaSet', object: rs, reason: 'SuccessfulCreate', message, component });
    recordPodStarted(this.store, pod);
  }

  private deletePod(pod: KubeObject): void {
    this.store.remove('Pod', pod.metadata.namespace, pod.metadata.name);
    recordPodKilled(this.store, pod);
  }

  private newReplicaSet(d: KubeObject, revision: number): KubeObject {
    const hash = podTemplateHash(d.spec?.template);
    const template = structuredClone(d.spec?.template ?? {});
    (template.metadata ??= {}).labels = { ...(template.metadata.labels ?? {}), [HASH]: hash };
    const replicas = d.spec?.replicas ?? 1;
    return this.store.put('ReplicaSet', {
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(replicas),
          'deployment.kubernetes.io/max-replicas': String(replicas + Math.max(1, Math.ceil(replicas / 4))),
          [REVISION]: String(revision),
        },
        ownerReferences: [ownerRef('Deployment', d)],
        generation: 1,
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), [HASH]: hash } },
        template,
      },
      status: { replicas: 0 },
    });
  }

  /** Scenario files often hold a Deployment's pods but not its ReplicaSet: rebuild that from the pods' owner. */
  private adoptUnstoredReplicaSet(d: KubeObject): KubeObject | undefined {
    const unstored = (p: KubeObject): boolean => {
      const owner = controllerOf(p);
      return !!owner && !this.store.get('ReplicaSet', p.metadata.namespace, owner.name);
    };
    const pod = this.selectedPods(d).find(unstored);
    if (!pod) return undefined;
    const owner = controllerOf(pod)!;
    const hash = pod.metadata.labels?.[HASH] ?? owner.name.split('-').pop();
    const template = structuredClone(d.spec?.template ?? {});
    (template.metadata ??= {}).labels = { ...(template.metadata.labels ?? {}), [HASH]: hash };
    return this.store.put('ReplicaSet', {
      metadata: {
        name: owner.name,
        namespace: d.metadata.namespace,
        uid: owner.uid,
        labels: template.metadata.labels,
        annotations: { [REVISION]: d.metadata.annotations?.[REVISION] ?? '1' },
        ownerReferences: [ownerRef('Deployment', d)],
        generation: 1,
      },
      spec: {
        replicas: this.ownedPods({ metadata: { ...owner, namespace: d.metadata.namespace } }).length,
        selector: { matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), [HASH]: hash } },
        template,
      },
    });
  }

  private scaleEvent(d: KubeObject, rs: KubeObject, to: number): void {
    const from = rs.spec?.replicas ?? 0;
    const message = `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`;
    const component = 'deployment-controller';
    recordEvent(this.store, { kind: 'Deployment', object: d, reason: 'ScalingReplicaSet', message, component });
  }

  private ownedPods(rs: KubeObject): KubeObject[] {
    return this.store.list('Pod', rs.metadata.namespace).filter((p) => controllerOf(p)?.name === rs.metadata.name);
  }

  private selectedPods(d: KubeObject): KubeObject[] {
    const reqs = selectorRequirements(d.spec?.selector);
    if (!reqs.length) return [];
    return this.store.list('Pod', d.metadata.namespace).filter((p) => matchesLabels(reqs, p.metadata.labels));
  }

  private deploymentOf(rs: KubeObject): KubeObject | undefined {
    const ref = (rs.metadata.ownerReferences ?? []).find((r: KubeObject) => r.kind === 'Deployment');
    return ref && this.store.get('Deployment', rs.metadata.namespace, ref.name);
  }
}

/** The apiserver bumps metadata.generation whenever a write changes the spec. */
export function bumpGeneration(before: KubeObject | undefined, after: KubeObject): void {
  const gen = before?.metadata?.generation ?? 1;
  after.metadata.generation = before && stableJson(before.spec) !== stableJson(after.spec) ? gen + 1 : gen;
}

export function templateChanged(before: KubeObject | undefined, after: KubeObject): boolean {
  return !before || stableJson(before.spec?.template) !== stableJson(after.spec?.template);
}

function sameTemplate(rsTemplate: KubeObject | undefined, template: KubeObject | undefined): boolean {
  const strip = (t: KubeObject | undefined): KubeObject => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[HASH];
    return copy;
  };
  return stableJson(strip(rsTemplate)) === stableJson(strip(template));
}

// By name only: hand-written scenario files rarely keep owner uids consistent.
function ownedBy(obj: KubeObject, kind: string, owner: KubeObject): boolean {
  const refs: KubeObject[] = obj.metadata.ownerReferences ?? [];
  return refs.some((r) => r.kind === kind && r.name === owner.metadata.name);
}

function ownerRef(kind: string, owner: KubeObject): KubeObject {
  const { name, uid } = owner.metadata;
  return { apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true };
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

/** The ReplicaSet controller removes unready pods first, then the newest. */
function byDeletionPreference(a: KubeObject, b: KubeObject): number {
  if (isReady(a) !== isReady(b)) return isReady(a) ? 1 : -1;
  return String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp));
}

function omitZeros(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
}
