import { loadConfig } from '../../../core/config.js';
import { createCipher } from '../../../core/crypto.js';
import { createLogger } from '../../../core/logger.js';
import { deliverTests } from '../../../server/settings/actions.js';
import { webhookContext, type SettingsDeps } from '../../../server/settings/context.js';
import type { SlackAdmin } from '../../../server/settings/slack-admin.js';
import type { SettingsStore } from '../../../server/settings/store.js';

test('a webhook URL that cannot be decrypted is one failed destination with advice; the others are still sent', async () => {
  const cipher = createCipher(Buffer.alloc(32, 1));
  // Sealed under another key, as after ENCRYPTION_KEY changed.
  const sealed = createCipher(Buffer.alloc(32, 2)).encrypt('https://hooks.slack.com/services/T0/B0/x', webhookContext('T0ONE', 'digests'));
  const posted: string[] = [];
  const deps = {
    config: loadConfig({ LOOKOUT_DATA_DIR: '/tmp/unused', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }), mode: 'single', team: { id: 'T0ONE' }, cipher,
    store: { read: async () => ({ routing: { alerts: { channels: ['C0ALERTS'], users: [] }, digests: { channels: [], users: [], webhook: sealed } } }) } as unknown as SettingsStore,
    slack: { postMessage: async (_token: string, channel: string) => void posted.push(channel) } as unknown as SlackAdmin,
    sessionSecret: () => Buffer.alloc(32), log: createLogger('test', 'silent'),
  } as SettingsDeps;
  const results = await deliverTests(deps, 'T0ONE');
  expect(posted).toEqual(['C0ALERTS']);
  expect(results).toEqual([
    { destination: 'channel C0ALERTS', types: [expect.any(String)], ok: true },
    { destination: 'webhook for digests (unreadable)', types: [expect.any(String)], ok: false, error: 'webhook_unreadable', advice: expect.stringContaining('paste the webhook URL again') },
  ]);
});
