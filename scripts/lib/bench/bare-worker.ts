// The bare-Temporal baseline's worker as a process of its own (processes topology), tuned by the same WORKER_*
// variables as the incident worker, so the ratio compares like with like.
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../../core/config.js';
import { createBareWorker } from './bare.js';

const config = loadConfig();
const connection = await NativeConnection.connect({ address: config.temporal.address ?? '127.0.0.1:7233' });
const worker = await createBareWorker(connection, config);
process.once('SIGTERM', () => worker.shutdown());
await worker.run();
await connection.close();
