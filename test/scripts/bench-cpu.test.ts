import { cpuMsPer, machineBusySeconds, pidsNamed, processCpuSeconds } from '../../scripts/lib/bench/cpu.js';

/** Keeps this thread busy for `ms` of wall time. */
function spin(ms: number): void {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  if (x < 0) throw new Error('unreachable');
}

test('processCpuSeconds reads what this process has used, and grows while it works', () => {
  const before = processCpuSeconds(process.pid);
  spin(300);
  const after = processCpuSeconds(process.pid);
  // 300 ms of wall time on a busy machine is at least some CPU, and never more than the wall time of all threads.
  expect(after - before).toBeGreaterThan(0.05);
  expect(after).toBeGreaterThan(0);
});

test('a process that is gone reads as 0, not an error', () => {
  expect(processCpuSeconds(2 ** 22 + 7)).toBe(0);
});

test('pidsNamed finds processes by their command name', () => {
  const comm = pidsNamed('node');
  expect(comm).toContain(process.pid);
  expect(pidsNamed('no-such-command-here')).toEqual([]);
});

test('machine busy seconds only go up', () => {
  const before = machineBusySeconds();
  spin(100);
  expect(machineBusySeconds()).toBeGreaterThan(before);
});

test('cpuMsPer: milliseconds per unit for each part in both snapshots', () => {
  expect(cpuMsPer({ worker: 1, temporal: 2, gone: 5 }, { worker: 4, temporal: 2.5, late: 9 }, 100)).toEqual({ worker: 30, temporal: 5 });
});
