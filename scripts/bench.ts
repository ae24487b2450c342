// `npm run --silent bench -- [--alerts N | --hold N]`: the pipeline benchmark (CONTRACT section 6).
import { parseBenchArgs, UsageError, type BenchArgs } from './lib/bench/args.js';

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(2);
}
// Ctrl-C still runs the 'exit' hooks, which SIGKILL the worker and server children (scripts/lib/bench/child.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
try {
  // The pipeline's modules load only once the arguments are good, so a usage error answers at once.
  const { runBench } = await import('./lib/bench/run.js');
  const result = await runBench(args);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
