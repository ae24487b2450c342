import { windowGate } from '../../scripts/lib/bench/send.js';

test('windowGate lets at most `window` alerts be in flight, and more through as reports arrive', async () => {
  let reported = 0;
  const gate = windowGate(2, () => reported, undefined, 5);
  const passed: number[] = [];
  const lanes = [1, 2, 3, 4].map(async (n) => {
    await gate();
    passed.push(n);
  });
  await new Promise((r) => setTimeout(r, 50));
  expect(passed).toHaveLength(2);
  reported = 1;
  await new Promise((r) => setTimeout(r, 50));
  expect(passed).toHaveLength(3);
  reported = 2;
  await Promise.all(lanes);
  expect(passed.sort()).toEqual([1, 2, 3, 4]);
});

test('windowGate stops waiting, with the reason, once part of the stack has died', async () => {
  const stack: { failure?: string } = {};
  const gate = windowGate(1, () => 0, () => stack.failure, 5);
  await gate();
  const waiting = gate();
  stack.failure = 'the worker exited with SIGKILL';
  await expect(waiting).rejects.toThrow('the worker exited with SIGKILL');
});
