import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';

// deploy/kubernetes checked offline. `kubectl apply --dry-run=client` needs an API server even with --validate=false
// (it asks discovery for each kind), so the strongest check without a cluster is: kustomize builds the tree, kubectl
// decodes every object (`label --local`), and each one's fields must survive a round trip through the Kubernetes API
// models of @kubernetes/client-node, which drops any field the API does not know.
const DIR = new URL('../../deploy/kubernetes/', import.meta.url).pathname;
const kubectl = (args: string[], input?: string) => execFileSync('/usr/bin/kubectl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
let objects: Obj[];

beforeAll(() => {
  const built = kubectl(['kustomize', DIR]);
  const decoded = kubectl(['label', '--local', '-f', '-', 'lookout.test/decoded=true', '-o', 'json'], built);
  objects = decoded.split(/\n(?=\{)/).map((doc) => JSON.parse(doc) as Obj);
  for (const o of objects) delete o.metadata.labels!['lookout.test/decoded'];
});

const find = (kind: string, name: string) => {
  const hit = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!hit) throw new Error(`no ${kind} ${name} in the build`);
  return hit;
};

test('the kustomization builds every object, and every field is one the Kubernetes API knows', () => {
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
    'ClusterRole/lookout-worker-incidents', 'ClusterRole/lookout-worker-nodes', 'ClusterRoleBinding/lookout-worker-nodes',
    'ConfigMap/lookout-config', 'Deployment/lookout-server', 'Deployment/lookout-worker', 'Namespace/lookout',
    'RoleBinding/lookout-worker', 'Service/lookout', 'ServiceAccount/lookout-server', 'ServiceAccount/lookout-worker',
  ]);
  for (const o of objects) {
    const type = getSerializationType(o.apiVersion, o.kind);
    expect(type).toMatch(/^V1/);
    const roundTrip = ObjectSerializer.serialize(ObjectSerializer.deserialize(o, type), type);
    expect({ object: `${o.kind}/${o.metadata.name}`, fields: roundTrip }).toEqual({ object: `${o.kind}/${o.metadata.name}`, fields: o });
  }
});

test('the round trip catches a misspelt field (the check above can fail)', () => {
  const bad = structuredClone(find('Deployment', 'lookout-server'));
  bad.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
  const type = getSerializationType(bad.apiVersion, bad.kind);
  expect(ObjectSerializer.serialize(ObjectSerializer.deserialize(bad, type), type)).not.toEqual(bad);
});

test('worker and server run the Dockerfile\'s image with npm run worker / server, hardened, with requests and limits', () => {
  const dockerfile = fs.readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
  expect(dockerfile).toMatch(/^USER node$/m);
  for (const [name, script] of [['lookout-server', 'server'], ['lookout-worker', 'worker']]) {
    const pod = find('Deployment', name).spec.template.spec;
    const [c] = pod.containers;
    expect(c.command).toEqual(['npm', 'run', script]);
    expect(c.image).toBe('lookout:0.1.0');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
    // A read-only root: all writes (tsx's cache, npm's logs, LOOKOUT_DATA_DIR) go to an emptyDir on /tmp.
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) })]);
    // Secrets only by reference: the ConfigMap and Secret are named, never inlined.
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'lookout-config' } }, { secretRef: { name: 'lookout-secrets' } }]);
    expect(c.env).toBeUndefined();
  }
  const server = find('Deployment', 'lookout-server').spec.template.spec;
  expect(server.containers[0].livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
  expect(server.containers[0].readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  // The server never calls Kubernetes: no token in its pods.
  expect(server.automountServiceAccountToken).toBe(false);
  expect(find('Deployment', 'lookout-worker').spec.template.spec.serviceAccountName).toBe('lookout-worker');
  expect(find('Service', 'lookout').spec).toMatchObject({ selector: find('Deployment', 'lookout-server').spec.selector.matchLabels, ports: [{ port: 3000, targetPort: 'http' }] });
});

test('no secret values are shipped: the ConfigMap holds none and the only Secret is an example of placeholders', () => {
  expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  const config = find('ConfigMap', 'lookout-config').data as Record<string, string>;
  for (const key of Object.keys(config)) expect(key).not.toMatch(/SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL/);
  const example = fs.readFileSync(`${DIR}secret.example.yaml`, 'utf8');
  const values = [...example.matchAll(/^ {2}[A-Z_]+: (.+)$/gm)].map((m) => m[1]);
  expect(values.length).toBeGreaterThan(3);
  for (const v of values) expect(v).toContain('CHANGE_ME');
});

test('RBAC is exactly the least-privilege set: nodes cluster-wide read-only, everything else per watched namespace', () => {
  const rules = (name: string) => find('ClusterRole', name).rules;
  expect(rules('lookout-worker-nodes')).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]);
  // Expanded to (group, resource, verb) triples, so the assertion does not depend on how the rules are grouped.
  const triples = (find('ClusterRole', 'lookout-worker-incidents').rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] }[])
    .flatMap((r) => {
      expect(r.resourceNames).toBeUndefined();
      expect(r.nonResourceURLs).toBeUndefined();
      return r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`)));
    }).sort();
  expect(triples).toEqual([
    'apps/deployments/scale:get', 'apps/deployments/scale:patch',
    'apps/deployments:get', 'apps/deployments:list', 'apps/deployments:patch',
    'apps/replicasets:get', 'apps/replicasets:list',
    'core/events:get', 'core/events:list',
    'core/pods/log:get', 'core/pods/log:list',
    'core/pods:delete', 'core/pods:get', 'core/pods:list',
    'metrics.k8s.io/pods:get', 'metrics.k8s.io/pods:list',
  ]);
  expect(triples.join(' ')).not.toMatch(/\*|secrets|watch|create|update|escalate|bind|impersonate/);

  const worker = { kind: 'ServiceAccount', name: 'lookout-worker', namespace: 'lookout' };
  const clusterBindings = objects.filter((o) => o.kind === 'ClusterRoleBinding');
  // The only cluster-wide grant is reading nodes.
  expect(clusterBindings).toHaveLength(1);
  expect(clusterBindings[0]).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'lookout-worker-nodes' }, subjects: [worker] });
  // The namespaced rules are granted by RoleBindings in watched namespaces, never in Lookout's own or cluster-wide.
  const roleBindings = objects.filter((o) => o.kind === 'RoleBinding');
  expect(roleBindings.length).toBeGreaterThan(0);
  for (const b of roleBindings) {
    expect(b.metadata.namespace).not.toBe('lookout');
    expect(b).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'lookout-worker-incidents' }, subjects: [worker] });
  }
  expect(objects.filter((o) => o.kind === 'Role')).toEqual([]);
  // Only the worker holds a token; the server's account has none.
  expect(find('ServiceAccount', 'lookout-server').automountServiceAccountToken).toBe(false);
});

test('the watched namespaces match the remediation policy\'s namespaces', () => {
  const bound = objects.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace).sort();
  expect(find('ConfigMap', 'lookout-config').data.POLICY_NAMESPACES.split(',').sort()).toEqual(bound);
});
