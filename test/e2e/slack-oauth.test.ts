import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { botScopes } from '../../core/slack-scopes.js';
import type { Database } from '../../db/index.js';
import { sampleWebhook } from '../../sandbox/samples.js';
import { SlackEmulator } from '../../sandbox/slack/emulator.js';
import type { LookoutServer } from '../../server/app.js';
import { createIncidentGateway } from '../../server/incidents.js';
import { buildActivityDeps, type RunningWorker } from '../../worker/run.js';
import { crashLoopAlert } from '../fixtures/alerts.js';
import { installThroughBrowser, STATE_COOKIE } from '../support/oauth.js';
import { startApp } from '../support/stack.js';
import { unique } from '../support/temporal.js';

// OAuth multi-workspace mode over real HTTP: /slack/install -> the emulator's authorize page -> /slack/oauth_redirect
// -> oauth.v2.access on the emulator -> an encrypted row in PostgreSQL -> that team's events and incidents use its token.
const signingSecret = 'oauth-e2e-signing-secret';
let dir: string;
let db: Database;
let slack: SlackEmulator;
let worker: RunningWorker;
let server: LookoutServer;
let taskQueue: string;
let config: ReturnType<typeof loadConfig>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-oauth-'));
  slack = new SlackEmulator({
    signingSecret, botToken: 'xoxb-not-used-in-oauth-mode',
    oauth: {
      clientId: '1111.2222', clientSecret: 'oauth-client-secret',
      teams: [{ id: 'T0SANDBOX', name: 'Lookout Sandbox' }, { id: 'T0SECOND', name: 'Second Team' }, { id: 'T0THIRD', name: 'Third Team' },
        { id: 'T0ORGWS', name: 'Org Workspace', enterpriseId: 'E0ORG', enterpriseName: 'Acme Org', isEnterpriseInstall: true }],
    },
  });
  await slack.start();
  taskQueue = unique('oauth');
  config = loadConfig({
    PORT: '0', LOOKOUT_DATA_DIR: dir, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: process.env.TEST_DATABASE_URL, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.apiUrl,
    SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'oauth-client-secret', SLACK_STATE_SECRET: 'oauth-state-secret',
  });
  const log = createLogger('oauth-e2e', 'silent');
  ({ db, worker, server } = await startApp(config, log, slack));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await worker?.shutdown();
  await db?.close();
  await slack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const install = (team: string, options?: { cookie?: boolean }) => installThroughBrowser(server.url, team, options);

const installedTeams = async () => (await db.sql<{ team_id: string }[]>`select team_id from slack_installations order by id`).map((r) => r.team_id);
const exchanges = () => slack.calls.filter((c) => c.method === 'oauth.v2.access').length;

test('/slack/install sends the browser to Slack\'s authorize page with the manifest\'s scopes and a state bound to a cookie', async () => {
  const res = await fetch(`${server.url}/slack/install`, { redirect: 'manual' });
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${slack.url}/oauth/v2/authorize`);
  expect(location.searchParams.get('client_id')).toBe('1111.2222');
  expect(location.searchParams.get('scope')!.split(',')).toEqual(Object.keys(botScopes));
  expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${STATE_COOKIE}=${location.searchParams.get('state')}; Secure; HttpOnly`));
});

test('install end to end: the token is stored encrypted and that team\'s events and incidents use it', async () => {
  const done = await install('T0SECOND');
  expect(done.status).toBe(200);
  expect(await done.text()).toContain('Lookout is installed in the Second Team workspace');
  expect(await installedTeams()).toContain('T0SECOND');

  const issued = slack.oauth.installs.find((i) => i.teamId === 'T0SECOND')!;
  const raw = JSON.stringify(await db.sql`select * from slack_installations where team_id = 'T0SECOND'`);
  expect(raw).not.toContain(issued.botToken);
  expect(raw).not.toContain('Second Team');
  expect(fs.statSync(path.join(dir, 'encryption.key')).mode & 0o777).toBe(0o600);

  // A signed event from that team: Bolt authorises it from the store, and its client speaks as that team.
  const seen: { token?: string; team?: string }[] = [];
  server.bolt.event('app_home_opened', async ({ context, client }) => {
    seen.push({ token: context.botToken, team: (await client.auth.test()).team_id });
  });
  const res = await slack.sendTeamEvent('T0SECOND', { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' });
  expect(res.status).toBe(200);
  expect(await slack.waitFor(() => seen[0])).toEqual({ token: issued.botToken, team: 'T0SECOND' });
  expect(slack.calls.filter((c) => c.method === 'auth.test').at(-1)?.teamId).toBe('T0SECOND');

  // A team that never installed gets nothing handled.
  await slack.sendTeamEvent('T0THIRD', { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' });
  await new Promise((r) => setTimeout(r, 300));
  expect(seen).toHaveLength(1);

  // The worker posts that team's incidents with that team's token.
  await db.sql`insert into workspace_settings (team_id, alert_channels) values ('T0SECOND', '{C0ALERTS}')`;
  const alert = await fetch(`${server.url}/alerts/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleWebhook('crashloop')),
  });
  expect(alert.status).toBe(202);
  const posted = await slack.waitFor(() => slack.messages('C0ALERTS').find((m) => !m.threadTs && m.text.includes('KubePodCrashLooping')), 30_000);
  const post = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ALERTS');
  expect(post?.teamId).toBe('T0SECOND');
  await slack.waitFor(() => posted.reactions.some((r) => r.name === 'eyes'), 20_000);
});

test('an org-wide install is stored for the org and authorises events from the org\'s workspaces', async () => {
  const done = await install('T0ORGWS');
  expect(await done.text()).toContain('Lookout is installed in the Acme Org organisation');
  expect(await db.sql`select enterprise_id, team_id, is_enterprise_install from slack_installations where enterprise_id = 'E0ORG'`)
    .toEqual([{ enterprise_id: 'E0ORG', team_id: null, is_enterprise_install: true }]);
  const issued = slack.oauth.installs.find((i) => i.enterpriseId === 'E0ORG')!;
  const seen: { token?: string; enterprise?: string; team?: string }[] = [];
  server.bolt.event('channel_created', async ({ context }) => {
    seen.push({ token: context.botToken, enterprise: context.enterpriseId, team: context.teamId });
  });
  await slack.sendTeamEvent('T0ORGWS', { type: 'channel_created', channel: { id: 'C0NEW', name: 'new', created: 1, creator: 'U0ALICE' } });
  expect(await slack.waitFor(() => seen[0])).toEqual({ token: issued.botToken, enterprise: 'E0ORG', team: 'T0ORGWS' });

  // The worker finds the org's token for that workspace by asking Slack which workspaces the org install covers.
  const { slackFor } = buildActivityDeps(config, db.sql);
  expect(((await slackFor('T0ORGWS')) as unknown as { token: string }).token).toBe(issued.botToken);
  await expect(slackFor('T0NOTINORG')).rejects.toMatchObject({ type: 'SlackNotInstalled', nonRetryable: true });
});

test('a missing, forged or foreign state is refused and nothing is exchanged or stored', async () => {
  const before = { exchanges: exchanges(), teams: await installedTeams() };

  const noState = await fetch(`${server.url}/slack/oauth_redirect?code=123`);
  expect(noState.status).toBe(400);
  expect(await noState.text()).toContain('The install link is not valid for this browser');

  const forged = await fetch(`${server.url}/slack/oauth_redirect?code=123&state=forged`, { headers: { cookie: `${STATE_COOKIE}=forged` } });
  expect(forged.status).toBe(400);

  // A real state and code, but arriving in a browser that did not start the install (no cookie): a CSRF attempt.
  const foreign = await install('T0THIRD', { cookie: false });
  expect(foreign.status).toBe(400);
  expect(await foreign.text()).toContain('Start the installation again');

  expect(exchanges()).toBe(before.exchanges);
  expect(await installedTeams()).toEqual(before.teams);
});

test('cancelling on Slack\'s page and a refused code both end on a page that says so', async () => {
  const start = await fetch(`${server.url}/slack/install`, { redirect: 'manual' });
  const state = new RegExp(`${STATE_COOKIE}=([^;]+)`).exec(start.headers.get('set-cookie')!)![1];
  const deny = new URL(start.headers.get('location')!);
  deny.searchParams.set('decision', 'deny');
  const back = await fetch(deny, { redirect: 'manual' });
  const cancelled = await fetch(back.headers.get('location')!, { headers: { cookie: `${STATE_COOKIE}=${state}` } });
  expect(cancelled.status).toBe(400);
  expect(await cancelled.text()).toContain('The installation was cancelled in Slack.');

  const again = await fetch(`${server.url}/slack/install`, { redirect: 'manual' });
  const state2 = new RegExp(`${STATE_COOKIE}=([^;]+)`).exec(again.headers.get('set-cookie')!)![1];
  const badCode = await fetch(`${server.url}/slack/oauth_redirect?code=not-issued&state=${state2}`, { headers: { cookie: `${STATE_COOKIE}=${state2}` } });
  expect(badCode.status).toBe(502);
  expect(await badCode.text()).toContain('Slack refused the installation (invalid_code)');
});

test('app_uninstalled and tokens_revoked forget the workspace: installation and settings', async () => {
  expect((await install('T0THIRD')).status).toBe(200);
  await db.sql`insert into workspace_settings (team_id, alert_channels) values ('T0THIRD', '{C0ALERTS}') on conflict do nothing`;
  const gone = async (team: string) => {
    const [{ n }] = await db.sql`select (select count(*) from slack_installations where team_id = ${team})
      + (select count(*) from workspace_settings where team_id = ${team}) as n`;
    return Number(n) === 0;
  };
  expect(await gone('T0THIRD')).toBe(false);
  expect((await slack.uninstall('T0THIRD')).status).toBe(200);
  await eventually(() => gone('T0THIRD'));
  expect(await installedTeams()).not.toContain('T0THIRD');

  // Reinstalled, then its bot token revoked: forgotten again.
  expect((await install('T0THIRD')).status).toBe(200);
  const botUser = slack.oauth.team('T0THIRD')!.botUserId;
  await slack.sendTeamEvent('T0THIRD', { type: 'tokens_revoked', tokens: { bot: [botUser] } });
  await eventually(() => gone('T0THIRD'));
});

test('an incident in a workspace without an installation fails its Slack step for good, saying to reinstall', async () => {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  try {
    const client = new Client({ connection });
    const { workflowId } = await createIncidentGateway(client, { taskQueue }).open(crashLoopAlert(), { channel: 'C0ALERTS', teamId: 'T0GONE' });
    const error = await client.workflow.getHandle(workflowId).result().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    // The incident closes itself as failed, keeping Slack's reason and type.
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toMatchObject({ type: 'SlackNotInstalled', nonRetryable: true });
    expect((cause as Error | undefined)?.message).toContain('reinstall it at /slack/install');
  } finally {
    await connection.close();
  }
}, 30_000);

async function eventually(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
