import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../core/metrics.js';
import { openDatabase, type Database } from '../../db/index.js';
import { SlackEmulator } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { runServer } from '../../server/run.js';

// The server in single-workspace mode, through signed requests from the emulator: no OAuth routes, the lifecycle
// listener wired as in every mode, and start-up failures that say what to fix in one line.
const signingSecret = 'modes-signing-secret';
const botToken = 'xoxb-modes';
const log = createLogger('modes', 'silent');
let dir: string;
let db: Database;
let slack: SlackEmulator;
let server: LookoutServer;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-modes-'));
  slack = new SlackEmulator({ signingSecret, botToken });
  await slack.start();
  env = {
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, DATABASE_URL: process.env.TEST_DATABASE_URL,
    SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: slack.apiUrl,
  };
  db = await openDatabase({ url: env.DATABASE_URL, dataDir: dir, log });
  server = await runServer(loadConfig(env), db, createMetrics(), log);
  slack.setAppUrl(server.url);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  await slack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('single-workspace mode: events over HTTP, no install routes, no key file', async () => {
  expect(server.mode).toBe('single');
  expect((await fetch(`${server.url}/slack/install`, { redirect: 'manual' })).status).toBe(404);
  expect(fs.existsSync(path.join(dir, 'encryption.key'))).toBe(false);
  const html = await (await fetch(`${server.url}/`)).text();
  expect(html).toContain('Lookout Sandbox (T0SANDBOX)');
});

test('app_uninstalled forgets the workspace\'s settings; another workspace\'s stay', async () => {
  await db.sql`insert into workspace_settings (team_id, alert_channels) values ('T0SANDBOX', '{C0ALERTS}'), ('T0OTHER', '{C9}')`;
  expect((await slack.sendEvent({ type: 'app_uninstalled' })).status).toBe(200);
  const deadline = Date.now() + 10_000;
  while ((await db.sql`select 1 from workspace_settings where team_id = 'T0SANDBOX'`).length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await db.sql`select team_id from workspace_settings order by team_id`).toEqual([{ team_id: 'T0OTHER' }]);
});

test('start-up failures are one line saying what to fix', async () => {
  const start = (over: Record<string, string>) => runServer(loadConfig({ ...env, ...over }), db, createMetrics(), log).then(
    (s) => s.close().then(() => 'started'), (err: Error) => err.message,
  );
  expect(await start({ SLACK_BOT_TOKEN: 'xoxb-wrong' })).toBe('Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN or reinstall the app');
  expect(await start({ SLACK_API_URL: 'http://127.0.0.1:9/api/' })).toMatch(/^could not reach Slack at http:\/\/127\.0\.0\.1:9\/api\/: .* \(check SLACK_API_URL and the network\)$/);
  expect(await start({ SLACK_APP_TOKEN: 'xapp-1-x', SLACK_API_URL: 'http://127.0.0.1:9/api/' })).toMatch(/^could not reach Slack at /);
  expect(() => loadConfig({ ...env, SLACK_CLIENT_ID: '1.2' })).toThrow(/^OAuth mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together/);
});
