import { spawn } from 'node:child_process';

// `npm run --silent bench` as a child process against the test run's Temporal dev server (TEMPORAL_ADDRESS).
function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('20 alerts go through the whole pipeline: none lost, none duplicated, JSON last line', async () => {
  const { code, stdout, stderr } = await bench(['--alerts', '20', '--concurrency', '4']);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  expect(Object.keys(last).slice(0, 11)).toEqual([
    'alerts', 'lost', 'duplicates', 'alerts_per_s', 'ack_p50_ms', 'ack_p95_ms', 'report_p50_ms', 'report_p95_ms',
    'bare_workflows_per_s', 'ratio_to_bare', 'worker_rss_mb',
  ]);
  expect(last).toMatchObject({ alerts: 20, lost: 0, duplicates: 0 });
  expect(last.bare_workflows_per_s).toBeGreaterThan(0);
  expect(stderr).toMatch(/\[bench\] .*sent 20\/20/);
}, 90_000);

test('bad arguments exit 2 with one line on stderr', async () => {
  const { code, stdout, stderr } = await bench(['--alerts', 'abc']);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('--alerts')]);
});
