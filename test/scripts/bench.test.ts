import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresUnavailable } from '../../scripts/lib/scratch-database.js';

const CONTRACT_KEYS = [
  'alerts', 'lost', 'duplicates', 'alerts_per_s', 'ack_p50_ms', 'ack_p95_ms', 'report_p50_ms', 'report_p95_ms',
  'bare_workflows_per_s', 'ratio_to_bare', 'worker_rss_mb',
];

// The bench picks the processes topology when this answers (as it does itself).
const pgMissing = await postgresUnavailable(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
if (pgMissing) console.warn(`bench processes-topology test skipped: ${pgMissing}`);

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

/** Runs the bench and checks what every run must hold: exit 0, the CONTRACT keys first and numeric, nothing lost. */
async function goodRun(args: string[], alerts: number) {
  const { code, stdout, stderr } = await bench(args);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(Object.keys(last).slice(0, CONTRACT_KEYS.length)).toEqual(CONTRACT_KEYS);
  for (const key of CONTRACT_KEYS) expect([key, typeof last[key]]).toEqual([key, 'number']);
  expect(last).toMatchObject({ alerts, lost: 0, duplicates: 0 });
  expect(last.bare_workflows_per_s).toBeGreaterThan(0);
  expect(last.worker_rss_mb).toBeGreaterThan(0);
  expect(stderr).toMatch(new RegExp(`\\[bench\\] .*sent ${alerts}/${alerts}`));
  return { last, stdout };
}

(pgMissing ? test.skip : test)('processes: worker and server run as their own processes, measured apart from the bench', async () => {
  const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-prof-'));
  const { last, stdout } = await goodRun(['--alerts', '3', '--concurrency', '3', '--max-cached-workflows', '50', '--cpu-prof', profiles], 3);
  expect(last).toMatchObject({ topology: 'processes', tuning: { WORKER_MAX_CACHED_WORKFLOWS: '50', MALLOC_ARENA_MAX: '2' } });
  // CPU per alert of the worker and server processes, and of the bare worker per bare workflow.
  const cpu = last.cpu_ms_per_alert as Record<string, number>;
  expect(cpu.worker).toBeGreaterThan(0);
  expect(cpu.server).toBeGreaterThan(0);
  expect((last.cpu_ms_per_bare_workflow as Record<string, number>).bare_worker).toBeGreaterThan(0);
  expect(stdout).toMatch(/^CPU ms per alert +.*worker [\d.]+/m);
  // --cpu-prof: the worker and the server each wrote a V8 CPU profile as they stopped.
  const written = fs.readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'));
  fs.rmSync(profiles, { recursive: true, force: true });
  expect(written.length).toBeGreaterThanOrEqual(2);
  // The worker's own RSS, not the bench process's (which holds no worker: no workflow bundle, no Temporal runtime).
  expect(last.worker_rss_mb).not.toBe(last.bench_rss_mb);
  expect(last.server_rss_mb).toBeGreaterThan(0);
  expect(last.temporal_warnings).toEqual(expect.any(Object));
  expect(stdout).toMatch(/^topology +processes$/m);
}, 120_000);

test('--single-process: everything in the bench process, as before', async () => {
  const { last } = await goodRun(['--alerts', '3', '--concurrency', '3', '--single-process'], 3);
  expect(last).toMatchObject({ topology: 'single-process' });
  expect(last.worker_rss_mb).toBe(last.bench_rss_mb);
}, 120_000);

test.each([
  [['--alerts', 'abc'], '--alerts'],
  [['--cpu-prof'], '--cpu-prof'],
  [['--hold', '10', '--window', 'x'], '--window'],
])('bad arguments %j exit 2 with one line on stderr', async (args, names) => {
  const { code, stdout, stderr } = await bench(args);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(names)]);
});
