import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Child {
  name: string;
  pid: number;
  logFile: string;
  /** How it ended ("exited with 1"), or undefined while it runs. */
  exited(): string | undefined;
  /** The last lines of its stdout and stderr. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs an entry point as `npm run worker` / `npm run server` do (`node scripts/run-built.mjs`, transpiled) or, with
 * `tsx`, a TypeScript script as `node --import tsx`. Either way node itself, not npm or the tsx CLI (which fork), so
 * the PID is the process doing the work and its RSS is the one we read. `nodeFlags` go before the script (--cpu-prof).
 */
export function spawnChild(
  name: string, script: string, env: Record<string, string>, logDir: string, { tsx = false, nodeFlags = [] as string[] } = {},
): Child {
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const args = [...nodeFlags, ...(tsx ? ['--import', 'tsx', script] : ['scripts/run-built.mjs', script])];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${script})`);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
    resolve();
  }));
  // A bench that dies on an error must not leave a worker polling the shared Temporal server.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name, pid: child.pid, logFile,
    exited: () => exited,
    tail(lines = 20) {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop(graceMs = 5000) {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** VmRSS of a process in MB from /proc/<pid>/status; 0 once it is gone. */
export function vmRssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
