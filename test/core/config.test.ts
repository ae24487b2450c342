import { loadConfig } from '../../core/config.js';

test('the slash command name is configurable, with or without its slash', () => {
  expect(loadConfig({}).slashCommand).toBe('/lookout');
  expect(loadConfig({ SLACK_COMMAND: 'ops' }).slashCommand).toBe('/ops');
  expect(loadConfig({ SLACK_COMMAND: '/oncall' }).slashCommand).toBe('/oncall');
});

test('integrations need all of their settings, and say which are missing', () => {
  expect(loadConfig({}).sentry).toBeUndefined();
  expect(loadConfig({ ARGOCD_URL: 'http://argocd', ARGOCD_AUTH_TOKEN: 't' }).argocd).toEqual({ baseUrl: 'http://argocd', token: 't' });
  expect(() => loadConfig({ SENTRY_URL: 'http://sentry', SENTRY_ORG: 'acme' })).toThrow('Sentry needs SENTRY_URL, SENTRY_AUTH_TOKEN, SENTRY_ORG together: SENTRY_AUTH_TOKEN not set');
  expect(() => loadConfig({ SLACK_CHANNEL_PACE_MS: '-5' })).toThrow("SLACK_CHANNEL_PACE_MS must be a number of milliseconds >= 0, got '-5'");
});
