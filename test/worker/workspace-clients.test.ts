import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../core/config.js';
import { createWorkspaceClients } from '../../worker/clients.js';
import { buildActivityDeps } from '../../worker/run.js';

function fakeStore(tokens: Record<string, string>) {
  const lookups: string[] = [];
  return { lookups, tokenFor: async (teamId: string) => (lookups.push(teamId), tokens[teamId]) };
}

test('each workspace gets a client with its own token, read from the store at most once per TTL', async () => {
  let now = 1_000;
  const store = fakeStore({ T1: 'xoxb-one', T2: 'xoxb-two' });
  const slackFor = createWorkspaceClients(store.tokenFor, { slackApiUrl: 'http://127.0.0.1:9/api/' }, { ttlMs: 100, now: () => now });
  const one = await slackFor('T1');
  const two = await slackFor('T2');
  expect(one.token).toBe('xoxb-one');
  expect(two.token).toBe('xoxb-two');
  expect(await slackFor('T1')).toBe(one);
  expect(store.lookups).toEqual(['T1', 'T2']);

  now += 101;
  expect(await slackFor('T1')).toBe(one);
  expect(store.lookups).toEqual(['T1', 'T2', 'T1']);
});

test('a workspace without an installation fails for good, saying to reinstall; a reinstall is picked up', async () => {
  const tokens: Record<string, string> = {};
  const slackFor = createWorkspaceClients(fakeStore(tokens).tokenFor, {});
  const error = await slackFor('T0GONE').catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ nonRetryable: true, type: 'SlackNotInstalled' });
  expect((error as Error).message).toBe('Lookout is not installed in Slack workspace T0GONE (uninstalled or never installed): reinstall it at /slack/install');
  await expect(slackFor(undefined)).rejects.toMatchObject({ nonRetryable: true, type: 'SlackNotInstalled' });

  tokens.T0GONE = 'xoxb-back';
  expect((await slackFor('T0GONE')).token).toBe('xoxb-back');
});

test('single-workspace and Socket Mode workers use the one bot token for every workspace', async () => {
  for (const env of [
    { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-single' },
    { SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-single' },
  ]) {
    const deps = buildActivityDeps(loadConfig(env), undefined as never);
    const client = (await deps.slackFor('T1')) as unknown as { token: string };
    expect(client.token).toBe('xoxb-single');
    expect(await deps.slackFor()).toBe(client);
  }
  expect(() => buildActivityDeps(loadConfig({}), undefined as never)).toThrow(/^Slack is not configured/);
});
