import { stormSummaryLine } from '../../workflows/storm-summary.js';
import { crashLoopAlert } from '../fixtures/alerts.js';

const alertFor = (pod: string, namespace = 'shop', name = 'KubePodCrashLooping') =>
  crashLoopAlert({ name, target: { namespace, pod } });
const member = (n: number, alert = alertFor(`pod-${n}`)) => ({ workflowId: `wf-${n}`, alert });

test('the summary counts alerts, distinct pods, namespaces and alert names of the storm', () => {
  const line = stormSummaryLine(alertFor('cart-1'), [
    member(2, alertFor('cart-2')), member(3, alertFor('cart-2')), member(4, alertFor('api-1', 'web', 'KubePodNotReady')),
    member(5, crashLoopAlert({ target: { namespace: 'shop' } })),
  ]);
  expect(line).toBe(':cyclone: Storm: 5 alerts (KubePodCrashLooping, KubePodNotReady), 3 pods affected in shop, web. Later alerts join this thread.');
});

test('one pod, and more names and namespaces than fit, are said briefly', () => {
  expect(stormSummaryLine(alertFor('cart-1'), [])).toBe(':cyclone: Storm: 1 alerts (KubePodCrashLooping), 1 pod affected in shop. Later alerts join this thread.');
  const many = Array.from({ length: 5 }, (_, n) => member(n, alertFor(`p-${n}`, `ns-${n}`, `Alert${n}`)));
  expect(stormSummaryLine(alertFor('x', 'ns-x', 'AlertX'), many)).toBe(
    ':cyclone: Storm: 6 alerts (AlertX, Alert0, Alert1 and 3 more), 6 pods affected in 6 namespaces. Later alerts join this thread.',
  );
});
