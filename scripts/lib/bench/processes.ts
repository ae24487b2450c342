import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { openDatabase } from '../../../db/index.js';
import { freePort } from '../ports.js';
import { createScratchDatabase } from '../scratch-database.js';
import { spawnChild, vmRssMb, type Child } from './child.js';
import { processCpuSeconds } from './cpu.js';
import { closeAll, cpuSnapshot, startFakes, type BenchStack } from './stack.js';
import { rssMb } from './stats.js';

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;
const READY_TIMEOUT_MS = 120_000;

/** The children see only this much of the bench's own environment, so a developer's Lookout settings stay out. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

/** True once a worker polls `taskQueue` for both workflow and activity tasks. */
async function polling(connection: Connection, namespace: string, taskQueue: string): Promise<boolean> {
  for (const taskQueueType of [TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY]) {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType });
    if (!pollers?.length) return false;
  }
  return true;
}

/** Polls `ready` until it holds; throws with the log tail of any child that exits first. */
async function waitUntil(what: string, children: Child[], ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dead = children.find((c) => c.exited());
    if (dead) throw new Error(`the ${dead.name} ${dead.exited()} before ${what}; the end of ${dead.logFile}:\n${dead.tail()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within ${READY_TIMEOUT_MS / 1000} s; ${children.map((c) => `the end of ${c.logFile}:\n${c.tail()}`).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Temporal's warnings in a worker's log: the SDK's come through pino as JSON (component "temporal"), core's are
 * printed by core itself as text lines, so both are read.
 */
export function countTemporalWarnings(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of log.split('\n')) {
    let message: string | undefined;
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number; component?: string; msg?: string };
        if (entry.component === 'temporal' && (entry.level ?? 0) >= 40) message = entry.msg;
      } catch { /* a partial last line */ }
    } else {
      // eslint-disable-next-line no-control-regex
      const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
      // `<time> WARN <target>: <message> key=value ...`: the fields differ per task, so they are cut off.
      const hit = /\b(?:WARN|ERROR)\s+(?:[\w:]+: )?(.*?)(?:\s+\w+=.*)?$/.exec(plain);
      message = hit?.[1].slice(0, 160);
    }
    if (message) counts[message] = (counts[message] ?? 0) + 1;
  }
  return counts;
}

/**
 * Production's shape: the worker and the server as two processes started as `npm run worker` / `npm run server` are,
 * against a scratch database on the real PostgreSQL at `adminUrl`, with the local fakes and the sender in the bench.
 */
export async function startProcessStack(
  { adminUrl, env = {}, nodeFlags = [] }: { adminUrl: string; env?: Record<string, string>; nodeFlags?: string[] },
): Promise<BenchStack> {
  const fakes = await startFakes(env);
  const { cleanups } = fakes;
  try {
    const scratch = await createScratchDatabase(adminUrl, { prefix: 'lookout_bench' });
    cleanups.push(() => scratch.drop());
    // Migrations once, here, rather than the two children racing for the migration lock.
    await (await openDatabase({ url: scratch.url, dataDir: fakes.dir })).close();
    const connection = await Connection.connect({ address: fakes.temporalAddress });
    cleanups.push(() => connection.close());

    const port = await freePort();
    const childEnv: Record<string, string> = { ...baseEnv(), ...fakes.env, DATABASE_URL: scratch.url, PORT: String(port), LOG_LEVEL: 'warn' };
    const { TEMPORAL_TASK_QUEUE: taskQueue } = childEnv;
    const namespace = 'default';
    const worker = spawnChild('worker', 'worker/main.ts', childEnv, fakes.dir, { nodeFlags });
    cleanups.push(() => worker.stop());
    const server = spawnChild('server', 'server/main.ts', childEnv, fakes.dir, { nodeFlags });
    cleanups.push(() => server.stop());
    const serverUrl = `http://127.0.0.1:${port}`;
    const children = [worker, server];
    await waitUntil('the server answering /readyz', children, async () => (await fetch(`${serverUrl}/readyz`)).status === 200);
    await waitUntil('the worker polling', children, () => polling(connection, namespace, taskQueue));
    fakes.slack.setAppUrl(serverUrl);

    return {
      topology: 'processes', temporalAddress: fakes.temporalAddress, namespace, serverUrl, slack: fakes.slack, llm: fakes.llm,
      rss: () => ({ worker: vmRssMb(worker.pid), server: vmRssMb(server.pid), bench: rssMb() }),
      cpu: () => cpuSnapshot(fakes, { worker: worker.pid, server: server.pid }),
      temporalWarnings: () => countTemporalWarnings(fs.readFileSync(worker.logFile, 'utf8')),
      failure() {
        const dead = children.find((c) => c.exited());
        return dead && `the ${dead.name} ${dead.exited()}; the end of ${dead.logFile}:\n${dead.tail()}`;
      },
      async startBareWorker(bareQueue) {
        const bare = spawnChild('bare-worker', 'scripts/lib/bench/bare-worker.ts', { ...childEnv, TEMPORAL_TASK_QUEUE: bareQueue }, fakes.dir, { tsx: true });
        try {
          await waitUntil('the bare worker polling', [bare], () => polling(connection, namespace, bareQueue));
        } catch (err) {
          await bare.stop();
          throw err;
        }
        return { cpuSeconds: () => processCpuSeconds(bare.pid), stop: () => bare.stop() };
      },
      close: () => closeAll(cleanups),
    };
  } catch (err) {
    await closeAll(cleanups);
    throw err;
  }
}
