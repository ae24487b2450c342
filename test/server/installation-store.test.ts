import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import { createCipher, DecryptionError } from '../../core/crypto.js';
import { openDatabase, type Database } from '../../db/index.js';
import { createInstallationStore, forgetWorkspace, InstallationNotFoundError } from '../../server/installation-store.js';
import { tempDir } from '../db/helpers.js';

let db: Database;
let removeDir: () => Promise<void>;
const key = randomBytes(32);
const store = () => createInstallationStore(db.sql, createCipher(key));

beforeAll(async () => {
  const tmp = await tempDir('lookout-installs-');
  removeDir = tmp.remove;
  db = await openDatabase({ url: process.env.TEST_DATABASE_URL, dataDir: tmp.dir });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await removeDir?.();
});
beforeEach(async () => {
  await db.sql`delete from slack_installations`;
  await db.sql`delete from workspace_settings`;
});

function teamInstall(teamId: string, botToken: string, extra: Partial<Installation> = {}): Installation<'v2', false> {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { id: 'U0ALICE', token: undefined, scopes: undefined },
    bot: { token: botToken, scopes: ['chat:write', 'commands'], id: 'B0BOT', userId: `UB${teamId}` },
    tokenType: 'bot', isEnterpriseInstall: false, appId: 'A0LOOKOUT', authVersion: 'v2',
    ...extra,
  } as Installation<'v2', false>;
}

const orgInstall = (enterpriseId: string, botToken: string): Installation<'v2', true> => ({
  team: undefined,
  enterprise: { id: enterpriseId, name: 'Big Org' },
  user: { id: 'U0ADMIN', token: 'xoxp-org-admin-token', scopes: ['admin'] },
  bot: { token: botToken, scopes: ['chat:write'], id: 'B0ORG', userId: 'UB0ORG' },
  tokenType: 'bot', isEnterpriseInstall: true, appId: 'A0LOOKOUT', authVersion: 'v2', enterpriseUrl: 'https://big.enterprise.slack.com/',
});

test('a workspace install round-trips through Bolt\'s interface and its token is found for the worker', async () => {
  const installation = teamInstall('T1', 'xoxb-team-one', { user: { id: 'U0ALICE', token: 'xoxp-alice', scopes: ['search:read'] } });
  await store().storeInstallation(installation);
  expect(await store().fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).toEqual(installation);
  expect(await store().tokenFor('T1')).toBe('xoxb-team-one');
  expect(await store().tokenFor('T9')).toBeUndefined();
  expect(await store().teamIds()).toEqual(['T1']);
});

test('no token, user token or team detail is stored in clear: only IDs are readable in the raw row', async () => {
  await store().storeInstallation(teamInstall('T1', 'xoxb-team-one-SECRET', { user: { id: 'U0ALICE', token: 'xoxp-alice-SECRET', scopes: ['search:read'] } }));
  await store().storeInstallation(orgInstall('E1', 'xoxb-org-SECRET'));
  const rows = await db.sql`select * from slack_installations order by id`;
  expect(rows).toHaveLength(2);
  const raw = JSON.stringify(rows);
  for (const secret of ['SECRET', 'xoxb', 'xoxp', 'Team T1', 'Big Org', 'chat:write']) expect(raw).not.toContain(secret);
  expect(rows[0]).toMatchObject({ team_id: 'T1', enterprise_id: null, is_enterprise_install: false, bot_user_id: 'UBT1' });
  for (const column of ['bot_token_enc', 'user_token_enc', 'installation_enc']) expect(rows[0][column]).toMatch(/^v1:/);
  expect(rows[1]).toMatchObject({ team_id: null, enterprise_id: 'E1', is_enterprise_install: true });

  // Under another key nothing opens, and nothing garbled comes back instead.
  const other = createInstallationStore(db.sql, createCipher(randomBytes(32)));
  await expect(other.tokenFor('T1')).rejects.toBeInstanceOf(DecryptionError);
  await expect(other.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toBeInstanceOf(DecryptionError);
});

test('a ciphertext copied into another workspace\'s row does not decrypt there', async () => {
  await store().storeInstallation(teamInstall('T1', 'xoxb-one'));
  await store().storeInstallation(teamInstall('T2', 'xoxb-two'));
  await db.sql`update slack_installations set bot_token_enc = (select bot_token_enc from slack_installations where team_id = 'T1') where team_id = 'T2'`;
  await expect(store().tokenFor('T2')).rejects.toBeInstanceOf(DecryptionError);
});

test('reinstalling upserts on (org, workspace): one row, the newest token', async () => {
  await store().storeInstallation(teamInstall('T1', 'xoxb-old'));
  await store().storeInstallation(teamInstall('T1', 'xoxb-new'));
  expect(await db.sql`select team_id from slack_installations`).toHaveLength(1);
  expect(await store().tokenFor('T1')).toBe('xoxb-new');

  // The same workspace inside an org is another key.
  await store().storeInstallation(teamInstall('T1', 'xoxb-grid', { enterprise: { id: 'E1' } }));
  await store().storeInstallation(teamInstall('T1', 'xoxb-grid-2', { enterprise: { id: 'E1' } }));
  expect(await db.sql`select enterprise_id from slack_installations order by id`).toEqual([{ enterprise_id: null }, { enterprise_id: 'E1' }]);
  expect(await store().tokenFor('T1')).toBe('xoxb-grid-2');
});

test('org-wide installs are fetched by org; their tokens are listed for the worker, not guessed for a workspace', async () => {
  const org = orgInstall('E1', 'xoxb-org');
  await store().storeInstallation(org);
  expect(await store().fetchInstallation({ enterpriseId: 'E1', teamId: undefined, isEnterpriseInstall: true })).toEqual(org);
  await expect(store().fetchInstallation({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: false })).rejects.toBeInstanceOf(InstallationNotFoundError);
  expect(await store().tokenFor('T5')).toBeUndefined();
  expect(await store().teamIds()).toEqual([]);
  await store().storeInstallation(orgInstall('E2', 'xoxb-org-2'));
  await store().storeInstallation(teamInstall('T1', 'xoxb-team'));
  expect(await store().orgTokens()).toEqual([{ enterpriseId: 'E1', token: 'xoxb-org' }, { enterpriseId: 'E2', token: 'xoxb-org-2' }]);
});

test('an unknown workspace is a clear error naming where to install', async () => {
  await expect(store().fetchInstallation({ teamId: 'T404', enterpriseId: undefined, isEnterpriseInstall: false }))
    .rejects.toThrow('Lookout is not installed in workspace T404: install it at /slack/install');
});

test('deleteInstallation removes the workspace, or with a userId only that person\'s token', async () => {
  await store().storeInstallation(teamInstall('T1', 'xoxb-one', { user: { id: 'U0ALICE', token: 'xoxp-alice', scopes: ['search:read'] } }));
  await store().deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false, userId: 'U0ALICE' });
  const kept = await store().fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
  expect(kept.user).toEqual({ id: 'U0ALICE', token: undefined, scopes: undefined });
  expect(kept.bot?.token).toBe('xoxb-one');
  expect((await db.sql`select user_token_enc from slack_installations`)[0].user_token_enc).toBeNull();

  await store().deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
  expect(await store().tokenFor('T1')).toBeUndefined();
});

test('forgetWorkspace deletes the installation and the settings together, and only that workspace\'s', async () => {
  await store().storeInstallation(teamInstall('T1', 'xoxb-one'));
  await store().storeInstallation(teamInstall('T2', 'xoxb-two'));
  await db.sql`insert into workspace_settings (team_id, alert_channels) values ('T1', '{C1}'), ('T2', '{C2}')`;
  expect(await forgetWorkspace(db.sql, { teamId: 'T1' })).toEqual({ installations: 1, settings: 1 });
  expect(await db.sql`select team_id from slack_installations`).toEqual([{ team_id: 'T2' }]);
  expect(await db.sql`select team_id from workspace_settings`).toEqual([{ team_id: 'T2' }]);
  expect(await forgetWorkspace(db.sql, { teamId: 'T1' })).toEqual({ installations: 0, settings: 0 });

  await store().storeInstallation(orgInstall('E1', 'xoxb-org'));
  expect(await forgetWorkspace(db.sql, { enterpriseId: 'E1', teamId: 'T7', isEnterpriseInstall: true })).toEqual({ installations: 1, settings: 0 });
  expect(await db.sql`select count(*)::int as n from slack_installations`).toEqual([{ n: 1 }]);
});
