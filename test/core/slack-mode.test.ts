import fs from 'node:fs';
import { loadConfig, requireSlackMode, slackAuthorizeUrl, slackMode } from '../../core/config.js';
import { botScopes } from '../../core/slack-scopes.js';

const mode = (env: Record<string, string>) => slackMode(loadConfig(env).slack);
const oauth = { SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: 'cs', SLACK_STATE_SECRET: 'ss', SLACK_SIGNING_SECRET: 'sig' };

test('each set of variables selects its mode', () => {
  expect(mode({})).toBeUndefined();
  expect(mode({ SLACK_SIGNING_SECRET: 'sig', SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ kind: 'single', signingSecret: 'sig', botToken: 'xoxb-1' });
  expect(mode(oauth)).toEqual({ kind: 'oauth', signingSecret: 'sig', clientId: '123.456', clientSecret: 'cs', stateSecret: 'ss' });
  expect(mode({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ kind: 'socket', appToken: 'xapp-1', botToken: 'xoxb-1' });
  // A signing secret is harmless in Socket Mode (events do not come over HTTP there).
  expect(mode({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'sig' })?.kind).toBe('socket');
});

test('a half-configured Slack fails at start with one line that names what to set', () => {
  const cases: [Record<string, string>, string][] = [
    [{ SLACK_CLIENT_ID: '1', SLACK_SIGNING_SECRET: 'sig' }, 'OAuth mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together: SLACK_CLIENT_SECRET, SLACK_STATE_SECRET not set'],
    [{ ...oauth, SLACK_STATE_SECRET: ' ' }, 'SLACK_STATE_SECRET not set'],
    [{ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set'],
    [{ ...oauth, SLACK_SIGNING_SECRET: '' }, 'OAuth mode needs SLACK_SIGNING_SECRET too'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not'],
    [{ SLACK_SIGNING_SECRET: 'sig' }, 'SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not'],
    [{ SLACK_APP_TOKEN: 'xoxb-wrong', SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_APP_TOKEN must be an app-level token (xapp-...)'],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'Socket Mode needs SLACK_BOT_TOKEN'],
    [{ ...oauth, SLACK_APP_TOKEN: 'xapp-1' }, 'Socket Mode (SLACK_APP_TOKEN) serves one workspace'],
  ];
  for (const [env, message] of cases) {
    let error: Error | undefined;
    try {
      loadConfig(env);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
  }
  expect(() => requireSlackMode(loadConfig({}).slack)).toThrow(/^Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN/);
});

test('the authorize page is found beside SLACK_API_URL', () => {
  expect(slackAuthorizeUrl('https://slack.com/api/')).toBe('https://slack.com/oauth/v2/authorize');
  expect(slackAuthorizeUrl('http://127.0.0.1:3001/api')).toBe('http://127.0.0.1:3001/oauth/v2/authorize');
});

test('the installer asks for exactly the bot scopes of slack/manifest.yml', () => {
  const manifest = fs.readFileSync('slack/manifest.yml', 'utf8');
  const block = /scopes:\n\s+bot:\n((?:\s+- .+\n)+)/.exec(manifest)?.[1] ?? '';
  const scopes = block.split('\n').map((l) => l.replace(/^\s*-\s*/, '').trim()).filter(Boolean);
  expect(scopes.length).toBeGreaterThan(10);
  expect(Object.keys(botScopes).sort()).toEqual(scopes.sort());
});
