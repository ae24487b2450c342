import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChannelPacer } from '../../activities/slack-pacing.js';
import { createLogger } from '../../core/logger.js';
import { openDatabase, type Database } from '../../db/index.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-pacing-'));
  db = await openDatabase({ url: process.env.TEST_DATABASE_URL, dataDir: dir, log: createLogger('t', 'silent') });
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a burst goes at once, then one message per interval; other channels are not held up', async () => {
  const pacer = createChannelPacer(db.sql, { intervalMs: 200, burst: 2 });
  const started = Date.now();
  const times: number[] = [];
  await Promise.all(Array.from({ length: 5 }, async () => {
    await pacer.waitForSlot('T1', 'C-burst');
    times.push(Date.now() - started);
  }));
  times.sort((a, b) => a - b);
  expect(times.slice(0, 2).every((t) => t < 150)).toBe(true);
  // Slots 3..5 are spaced by the interval: about 200, 400 and 600 ms after the start.
  expect(times[2]).toBeGreaterThanOrEqual(170);
  expect(times[4]).toBeGreaterThanOrEqual(570);
  const other = Date.now();
  await pacer.waitForSlot('T1', 'C-quiet');
  expect(Date.now() - other).toBeLessThan(150);
});

test('the pace survives a restart: a second pacer over the same table continues where the first stopped', async () => {
  const first = createChannelPacer(db.sql, { intervalMs: 300, burst: 1 });
  await first.waitForSlot('T1', 'C-restart');
  const second = createChannelPacer(db.sql, { intervalMs: 300, burst: 1 });
  const before = Date.now();
  await second.waitForSlot('T1', 'C-restart');
  expect(Date.now() - before).toBeGreaterThanOrEqual(250);
});

test('a wait longer than the activity should hold is handed back as a retry delay', async () => {
  const pacer = createChannelPacer(db.sql, { intervalMs: 11_000, burst: 1 });
  await pacer.waitForSlot('T1', 'C-long');
  const before = Date.now();
  await expect(pacer.waitForSlot('T1', 'C-long')).rejects.toMatchObject({ type: 'SlackPacing', nextRetryDelay: expect.any(Number) });
  expect(Date.now() - before).toBeLessThan(1000);
});
