import path from 'node:path';

export interface BenchArgs {
  mode: 'pipeline' | 'hold';
  /** Alerts to send (pipeline) or incidents to open (hold). */
  count: number;
  /** Concurrent HTTP requests while sending. */
  concurrency: number;
  /** Alerts per second to send at; 0 sends as fast as `concurrency` allows. */
  rate: number;
  /** At most this many alerts between request and report at a time (0: no limit); holds a run under the pipeline's capacity. */
  window: number;
  /** Incidents approved in hold mode. */
  approvals: number;
  /** Seconds to wait for outstanding reports after sending. */
  drainSeconds: number;
  /** Temporal worker options, given to the worker as WORKER_MAX_CACHED_WORKFLOWS etc. */
  maxCachedWorkflows?: number;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  /** V8 old-space limit of the worker and server processes (NODE_OPTIONS=--max-old-space-size). */
  heapMb?: number;
  /** Directory the worker and server write V8 CPU profiles to when they stop (node --cpu-prof). */
  cpuProfDir?: string;
  skipBare: boolean;
  /** Worker and server inside the bench process (PGlite unless DATABASE_URL), as before the processes topology. */
  singleProcess: boolean;
}

export class UsageError extends Error {}

const whole = (flag: string, value: string | undefined, min = 1): number => {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`${flag} needs a whole number >= ${min}, got '${value ?? ''}'`);
  }
  return Number(value);
};

const USAGE = 'bench [--alerts N | --hold N] [--concurrency C] [--rate R] [--window W] [--approvals A] [--drain S] '
  + '[--max-cached-workflows N] [--max-concurrent-activities N] [--max-concurrent-workflow-tasks N] [--heap-mb MB] [--cpu-prof DIR] '
  + '[--no-bare] [--single-process]';

/** Parses the bench's arguments (USAGE); a wrong one is a UsageError naming it. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { mode: 'pipeline', count: 500, concurrency: 16, rate: 0, window: 0, approvals: 50, drainSeconds: 120, skipBare: false, singleProcess: false };
  let sawCount = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case '--alerts':
      case '--hold':
        if (sawCount) throw new UsageError('give one of --alerts N or --hold N');
        sawCount = true;
        args.mode = flag === '--hold' ? 'hold' : 'pipeline';
        args.count = whole(flag, value());
        break;
      case '--concurrency': args.concurrency = whole(flag, value()); break;
      case '--rate': args.rate = whole(flag, value(), 0); break;
      case '--window': args.window = whole(flag, value(), 0); break;
      case '--approvals': args.approvals = whole(flag, value(), 0); break;
      case '--drain': args.drainSeconds = whole(flag, value()); break;
      case '--max-cached-workflows': args.maxCachedWorkflows = whole(flag, value(), 0); break;
      case '--max-concurrent-activities': args.maxConcurrentActivities = whole(flag, value()); break;
      case '--max-concurrent-workflow-tasks': args.maxConcurrentWorkflowTasks = whole(flag, value(), 2); break;
      case '--heap-mb': args.heapMb = whole(flag, value(), 64); break;
      case '--cpu-prof': {
        const dir = value();
        if (!dir || dir.startsWith('--')) throw new UsageError('--cpu-prof needs a directory to write the profiles to');
        args.cpuProfDir = path.resolve(dir);
        break;
      }
      case '--no-bare': args.skipBare = true; break;
      case '--single-process': args.singleProcess = true; break;
      default: throw new UsageError(`unknown argument '${flag}' (usage: ${USAGE})`);
    }
  }
  return args;
}
