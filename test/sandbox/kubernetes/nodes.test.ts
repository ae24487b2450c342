import { DEMO_NAMESPACE, DEMO_NODE, DEMO_POD, demoWorld } from '../../../sandbox/kubernetes/demo-world.js';
import { apiError, startCluster } from './cluster.js';
import type { Cluster } from './cluster.js';

let c: Cluster;
beforeEach(async () => {
  const world = demoWorld();
  world.nodes!.push({ metadata: { name: 'cordoned-1' }, spec: { unschedulable: true }, status: { conditions: [] } });
  world.events!.push({
    metadata: { name: `${DEMO_NODE}.1`, namespace: 'default' },
    involvedObject: { kind: 'Node', name: DEMO_NODE, apiVersion: 'v1' },
    reason: 'NodeNotReady', message: `Node ${DEMO_NODE} status is now: NodeNotReady`, type: 'Normal',
  });
  c = await startCluster({ world });
});
afterEach(() => c.close());

test('nodes are cluster-scoped: read and listed as v1 Node / NodeList, without a namespace', async () => {
  const node = await c.core.readNode({ name: DEMO_NODE });
  expect(node).toMatchObject({ kind: 'Node', apiVersion: 'v1', metadata: { name: DEMO_NODE } });
  expect(node.metadata?.namespace).toBeUndefined();
  expect(node.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
  const list = await c.core.listNode();
  expect(list.kind).toBe('NodeList');
  expect(list.items.map((n) => n.metadata?.name).sort()).toEqual([DEMO_NODE, 'cordoned-1'].sort());
  expect((await c.core.listNode({ fieldSelector: 'spec.unschedulable=true' })).items.map((n) => n.metadata?.name)).toEqual(['cordoned-1']);
  expect((await c.core.listNamespace()).items.map((n) => n.metadata?.name)).toEqual(['default', 'kube-system', 'shop']);
  expect(c.server.get('Node', '', DEMO_NODE)?.metadata.name).toBe(DEMO_NODE);
});

test('a missing node is the apiserver\'s 404 Status; an unsupported field label is a 400', async () => {
  const err = await apiError(c.core.readNode({ name: 'ip-10-9-9-9' }));
  expect(err).toEqual({
    code: 404,
    status: {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'nodes "ip-10-9-9-9" not found',
      reason: 'NotFound', details: { name: 'ip-10-9-9-9', kind: 'nodes' }, code: 404,
    },
  });
  expect((await apiError(c.core.listNode({ fieldSelector: 'metadata.namespace=x' }))).status.message)
    .toBe('field label not supported: metadata.namespace');
});

test('a refused node read names the cluster scope', async () => {
  c.server.failNext({ pathIncludes: '/nodes/' }, 403);
  const err = await apiError(c.core.readNode({ name: DEMO_NODE }));
  expect(err.status.message).toBe(
    `nodes "${DEMO_NODE}" is forbidden: User "lookout-sandbox" cannot get resource "nodes" in API group "" at the cluster scope`,
  );
});

test('pods by node across namespaces, and a node\'s events by involved object', async () => {
  const pods = await c.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${DEMO_NODE}` });
  expect(pods.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([`${DEMO_NAMESPACE}/${DEMO_POD}`]);
  expect((await c.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=cordoned-1' })).items).toEqual([]);
  const events = await c.core.listEventForAllNamespaces({ fieldSelector: `involvedObject.kind=Node,involvedObject.name=${DEMO_NODE}` });
  expect(events.items.map((e) => [e.metadata?.namespace, e.reason])).toEqual([['default', 'NodeNotReady']]);
});

test('lists page with limit and continue, counting what remains', async () => {
  const first = await c.core.listNode({ limit: 1 });
  expect(first.items).toHaveLength(1);
  expect(first.metadata).toMatchObject({ remainingItemCount: 1, _continue: expect.any(String) });
  const second = await c.core.listNode({ limit: 1, _continue: first.metadata!._continue });
  expect(second.items).toHaveLength(1);
  expect(second.items[0].metadata?.name).not.toBe(first.items[0].metadata?.name);
  expect(second.metadata?._continue).toBeUndefined();
  expect((await apiError(c.core.listNode({ _continue: 'garbage' }))).code).toBe(400);
});

test('discovery lists nodes as a cluster-scoped core resource', async () => {
  const resources = await c.core.getAPIResources();
  expect(resources.resources.find((r) => r.name === 'nodes')).toMatchObject({ kind: 'Node', namespaced: false, verbs: ['get', 'list'] });
});
