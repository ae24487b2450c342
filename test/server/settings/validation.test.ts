import { slackPermalink } from '../../../core/digest.js';
import { channelNameProblem, idList, maskWebhook, parseSettingsForm, webhookProblem } from '../../../core/settings.js';
import { csrfValid } from '../../../server/settings/csrf.js';
import { decodeSession, encodeSession, newSession, sessionSecret } from '../../../server/settings/session.js';
import { advice } from '../../../server/settings/slack-admin.js';

const SLACK = 'https://slack.com/api/';

test('new channel names follow Slack\'s rules', () => {
  expect(channelNameProblem('incident-room_2')).toBeUndefined();
  expect(channelNameProblem('a'.repeat(80))).toBeUndefined();
  expect(channelNameProblem('a'.repeat(81))).toMatch(/80/);
  expect(channelNameProblem('Incidents')).toMatch(/lowercase/);
  expect(channelNameProblem('two words')).toMatch(/lowercase/);
  expect(channelNameProblem('#alerts')).toMatch(/lowercase/);
  expect(channelNameProblem('---')).toMatch(/letter or number/);
  expect(channelNameProblem('')).toMatch(/Enter a name/);
});

test('incoming-webhook URLs: hooks.slack.com over https, or the emulator only when SLACK_API_URL points at it', () => {
  const real = 'https://hooks.slack.com/services/T0001/B0002/abcDEF123';
  expect(webhookProblem(real, SLACK)).toBeUndefined();
  expect(webhookProblem('http://hooks.slack.com/services/T0001/B0002/abc', SLACK)).toBeDefined();
  expect(webhookProblem('https://hooks.slack.com.evil.test/services/T0001/B0002/abc', SLACK)).toBeDefined();
  expect(webhookProblem('https://hooks.slack.com/services/T0001/B0002/abc?x=1', SLACK)).toBeDefined();
  expect(webhookProblem('http://127.0.0.1:4000/services/T0001/B0002/abc', SLACK)).toBeDefined();
  expect(webhookProblem('http://127.0.0.1:4000/services/T0001/B0002/abc', 'http://127.0.0.1:4000/api/')).toBeUndefined();
  expect(webhookProblem('http://127.0.0.1:4001/services/T0001/B0002/abc', 'http://127.0.0.1:4000/api/')).toBeDefined();
  expect(webhookProblem('not a url', SLACK)).toMatch(/Not a URL/);
  expect(maskWebhook(real)).toBe('https://hooks.slack.com/services/T0001/B0002/••••••23');
  expect(maskWebhook(real)).not.toContain('abcDEF');
});

test('the settings form: IDs checked per field, policy through parsePolicy, webhook keep/set/remove', () => {
  const bad = parseSettingsForm({
    alerts_channels: ['C0ALERTS', 'general'], errors_users: 'U0BOB, bob', digests_webhook: 'https://example.com/x',
    approvers: 'U0ALICE S0ONCALL x1', namespaces: 'shop Bad_NS', allowed_actions: ['pods_delete', 'rm_rf'],
  }, { apiUrl: SLACK });
  expect(bad.ok).toBe(false);
  if (bad.ok) return;
  expect(Object.keys(bad.errors).sort()).toEqual(['alerts_channels', 'allowed_actions', 'approvers', 'digests_webhook', 'errors_users', 'namespaces']);
  expect(bad.errors.errors_users).toMatch(/^BOB: not a user ID/);

  const good = parseSettingsForm({
    alerts_channels: ['C0ALERTS'], errors_users: '<@u0bob>', digests_webhook: 'https://hooks.slack.com/services/T1/B2/c3',
    reminders_webhook_remove: 'on', approvers: 'U0ALICE, S0ONCALL', namespaces: 'shop, team-*', allowed_actions: 'pods_delete', second_approver: 'on',
  }, { apiUrl: SLACK });
  expect(good).toMatchObject({ ok: true, value: {
    approvers: ['U0ALICE', 'S0ONCALL'],
    policy: { allowedActions: ['pods_delete'], namespaces: ['shop', 'team-*'], secondApproverForDestructive: true },
    routes: {
      alerts: { channels: ['C0ALERTS'], users: [], webhook: { kind: 'keep' } },
      errors: { users: ['U0BOB'] },
      digests: { webhook: { kind: 'set', url: 'https://hooks.slack.com/services/T1/B2/c3' } },
      reminders: { webhook: { kind: 'remove' } },
    },
  } });
  expect(idList(' a, b  a ')).toEqual(['A', 'B']);
});

test('thread links: the workspace URL, the channel and the ts without its dot', () => {
  expect(slackPermalink('C0ALERTS', '1700000000.000100', 'https://acme.slack.com/')).toBe('https://acme.slack.com/archives/C0ALERTS/p1700000000000100');
});

test('sessions are signed: altered, foreign-key or expired cookies are refused; CSRF tokens must match exactly', () => {
  const secret = sessionSecret(Buffer.alloc(32, 1));
  const session = newSession({ teamId: 'T0A' });
  const cookie = encodeSession(secret, session);
  expect(decodeSession(secret, cookie)).toEqual(session);
  const [body, mac] = cookie.split('.');
  const forged = Buffer.from(JSON.stringify({ ...session, teamId: 'T0B' })).toString('base64url');
  expect(decodeSession(secret, `${forged}.${mac}`)).toBeUndefined();
  expect(decodeSession(sessionSecret(Buffer.alloc(32, 2)), cookie)).toBeUndefined();
  expect(decodeSession(secret, `${body}.`)).toBeUndefined();
  expect(decodeSession(secret, cookie, session.expires + 1)).toBeUndefined();
  expect(csrfValid(session, session.csrf)).toBe(true);
  expect(csrfValid(session, `${session.csrf}x`)).toBe(false);
  expect(csrfValid(session, undefined)).toBe(false);
  expect(csrfValid(undefined, session.csrf)).toBe(false);
});

test('Slack errors come with what to do', () => {
  expect(advice('not_in_channel')).toMatch(/\/invite @Lookout/);
  expect(advice('channel_not_found')).toMatch(/invite Lookout|another channel/);
  expect(advice('404 no_service')).toMatch(/new incoming webhook/);
  expect(advice('403 invalid_token')).toMatch(/new incoming webhook/);
});
