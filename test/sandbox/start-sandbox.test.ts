import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { startSandbox } from '../../sandbox/index.js';

test('the sandbox marks its config as the sandbox whether or not APPROVERS is set; only without APPROVERS may anyone approve', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-sandbox-'));
  try {
    for (const [approvers, anyone] of [['', true], ['U0ALICE', false]] as const) {
      const sandbox = await startSandbox(loadConfig({ LOOKOUT_DATA_DIR: dir, APPROVERS: approvers }), { slackPort: 0 });
      try {
        expect({ sandbox: sandbox.config.sandbox, approveAnyone: sandbox.config.approveAnyone }).toEqual({ sandbox: true, approveAnyone: anyone });
      } finally {
        await sandbox.stop();
      }
    }
    expect(loadConfig({ LOOKOUT_DATA_DIR: dir }).sandbox).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
