import { applyPatch, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH } from '../../../sandbox/kubernetes/patch.js';

const pod = () => ({
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    containers: [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'sidecar', image: 'side:1' },
    ],
    tolerations: [{ key: 't1' }],
  },
});

test('strategic merge: lists with a merge key merge by it, others replace, null and $patch delete', () => {
  const out = applyPatch(STRATEGIC_MERGE_PATCH, pod(), {
    metadata: { labels: { b: null, c: '3' }, finalizers: ['y'] },
    spec: {
      containers: [
        { name: 'app', env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] },
        { name: 'sidecar', $patch: 'delete' },
      ],
      tolerations: [{ key: 't2' }],
    },
  });
  expect(out.metadata).toEqual({ name: 'p', labels: { a: '1', c: '3' }, finalizers: ['x', 'y'] });
  expect(out.spec.containers).toEqual([
    {
      name: 'app',
      image: 'app:1',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '20' },
        { name: 'C', value: '3' },
      ],
    },
  ]);
  expect(out.spec.tolerations).toEqual([{ key: 't2' }]);
});

test('merge patch replaces lists and deletes with null; the target is never mutated', () => {
  const target = pod();
  const body = { metadata: { labels: { a: null } }, spec: { containers: [{ name: 'only' }] } };
  const out = applyPatch(MERGE_PATCH, target, body);
  expect(out.metadata.labels).toEqual({ b: '2' });
  expect(out.spec.containers).toEqual([{ name: 'only' }]);
  expect(target).toEqual(pod());
});

test('json patch: add with -, remove, move, copy, test', () => {
  const out = applyPatch(JSON_PATCH, pod(), [
    { op: 'test', path: '/spec/containers/1/name', value: 'sidecar' },
    { op: 'add', path: '/spec/containers/0/env/-', value: { name: 'Z', value: '26' } },
    { op: 'remove', path: '/spec/containers/1' },
    { op: 'copy', from: '/metadata/labels/a', path: '/metadata/labels/c' },
    { op: 'move', from: '/metadata/labels/b', path: '/metadata/labels/d~1e' },
  ]);
  expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(['app']);
  expect(out.spec.containers[0].env.at(-1)).toEqual({ name: 'Z', value: '26' });
  expect(out.metadata.labels).toEqual({ a: '1', c: '1', 'd/e': '2' });
});

test('json patch failures are 422 with the path named; a failed test op changes nothing', () => {
  const target = pod();
  expect(() => applyPatch(JSON_PATCH, target, [{ op: 'replace', path: '/spec/nope/x', value: 1 }])).toThrow(
    expect.objectContaining({ code: 422, message: expect.stringContaining('"/spec/nope/x"') }),
  );
  expect(() =>
    applyPatch(JSON_PATCH, target, [
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'test', path: '/metadata/name', value: 'other' },
    ]),
  ).toThrow(expect.objectContaining({ code: 422 }));
  expect(target).toEqual(pod());
});
