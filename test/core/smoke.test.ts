import { KubeConfig } from '@kubernetes/client-node';
import { Connection } from '@temporalio/client';

test('esm deps load and temporal is up', async () => {
  expect(new KubeConfig()).toBeTruthy();
  const c = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  await c.close();
});
