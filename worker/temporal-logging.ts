import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../core/logger.js';

let installed = false;

/**
 * Sends the Temporal SDK's own logs (worker, bundler, core) to our logger. Its INFO chatter (bundle sizes, state
 * changes) goes to debug; warnings and errors stay visible. Must run before the first worker or native connection.
 */
export function installTemporalLogging(log: Logger): void {
  if (installed) return;
  installed = true;
  const child = log.child({ component: 'temporal' });
  const forward = (entry: LogEntry) => {
    const meta = entry.meta ?? {};
    if (entry.level === 'ERROR') child.error(meta, entry.message);
    else if (entry.level === 'WARN') child.warn(meta, entry.message);
    else child.debug(meta, entry.message);
  };
  Runtime.install({ logger: new DefaultLogger('INFO', forward) });
}
