import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal.js';

// Histories recorded from real runs (see saveHistory in incident.test.ts). A change to workflow code that would make
// running incidents fail on replay fails here first.
const dir = new URL('../histories/', import.meta.url);
const histories = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

test('committed histories exist', () => {
  expect(histories.length).toBeGreaterThanOrEqual(2);
});

test.each(histories)('%s replays without non-determinism', async (file) => {
  const history = JSON.parse(fs.readFileSync(new URL(file, dir), 'utf8'));
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`);
});
