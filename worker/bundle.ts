// `node --import tsx worker/bundle.ts <file>` (or bundle.js, transpiled): writes the workflow bundle (workflows/, bundled with webpack) to <file>.
// The worker runs this in a process of its own: webpack needs ~90 MB that a long-lived worker would otherwise keep.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './create-worker.js';

const self = fileURLToPath(import.meta.url);

/** Bundles the workflows in a child process; resolves to the bundle's code, read back from its temporary file. */
export async function bundleInChildProcess(): Promise<{ code: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-bundle-'));
  const file = path.join(dir, 'workflows.js');
  try {
    // Transpiled (npm run worker) it is plain JavaScript; from the TypeScript sources it needs tsx.
    const loader = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
    await promisify(execFile)(process.execPath, [...loader, self, file], { cwd: path.dirname(path.dirname(self)), maxBuffer: 16 << 20 });
    return { code: await fs.readFile(file, 'utf8') };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n');
    throw new Error(`bundling the workflows failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: worker/bundle.ts <output file>\n');
    process.exit(2);
  }
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  await fs.writeFile(out, code);
}
