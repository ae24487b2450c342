import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type postgres from 'postgres';
import type { Cipher } from '../core/crypto.js';

/** Bolt's InstallationStore over `slack_installations`, plus the reads the worker and the server make. */
export interface WorkspaceInstallations extends InstallationStore {
  deleteInstallation(query: InstallationQuery<boolean>): Promise<void>;
  /** The bot token of a workspace's own installation. */
  tokenFor(teamId: string): Promise<string | undefined>;
  /** Bot tokens of org-wide installs, which cover workspaces the store cannot name (the worker asks Slack which). */
  orgTokens(): Promise<{ enterpriseId: string; token: string }[]>;
  /** Installed workspaces (team-level installs), oldest first. */
  teamIds(): Promise<string[]>;
}

/** A workspace or an org, as Slack's events name it. */
export interface WorkspaceRef {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

interface Row {
  enterprise_id: string | null;
  team_id: string | null;
  bot_token_enc: string | null;
  installation_enc: string;
}

/** Row key and the context each ciphertext is bound to, so a value copied into another row does not decrypt. */
function keyOf(enterpriseId: string | undefined | null, teamId: string | undefined | null) {
  const enterprise = enterpriseId ?? null;
  const team = teamId ?? null;
  const context = (field: string) => `slack_installations/${enterprise ?? '-'}/${team ?? '-'}/${field}`;
  return { enterprise, team, context };
}

function describe(q: WorkspaceRef): string {
  return q.isEnterpriseInstall ? `org ${q.enterpriseId}` : `workspace ${q.teamId}${q.enterpriseId ? ` (org ${q.enterpriseId})` : ''}`;
}

export class InstallationNotFoundError extends Error {
  readonly code = 'installation_not_found';
  constructor(q: WorkspaceRef) {
    super(`Lookout is not installed in ${describe(q)}: install it at /slack/install`);
    this.name = 'InstallationNotFoundError';
  }
}

/** Tokens and the installation JSON are encrypted; IDs stay clear so rows can be found. Upserts on (org, workspace). */
export function createInstallationStore(sql: postgres.Sql, cipher: Cipher): WorkspaceInstallations {
  const decryptInstallation = (row: Row) =>
    JSON.parse(cipher.decrypt(row.installation_enc, keyOf(row.enterprise_id, row.team_id).context('installation'))) as Installation;

  async function find(q: InstallationQuery<boolean>): Promise<Row | undefined> {
    const rows = q.isEnterpriseInstall
      ? await sql<Row[]>`
          select enterprise_id, team_id, bot_token_enc, installation_enc from slack_installations
          where enterprise_id = ${q.enterpriseId ?? ''} and team_id is null limit 1`
      : // Team IDs are unique across Slack; the newest row wins if a workspace later joined an org.
        await sql<Row[]>`
          select enterprise_id, team_id, bot_token_enc, installation_enc from slack_installations
          where team_id = ${q.teamId ?? ''} order by updated_at desc limit 1`;
    return rows[0];
  }

  return {
    async storeInstallation(installation) {
      const org = installation.isEnterpriseInstall === true;
      const teamId = org ? undefined : installation.team?.id;
      if (!org && !teamId) throw new Error('cannot store a Slack installation that names neither a workspace nor an org');
      const { enterprise, team, context } = keyOf(installation.enterprise?.id, teamId);
      const seal = (value: string | undefined, field: string) => (value ? cipher.encrypt(value, context(field)) : null);
      await sql`
        insert into slack_installations
          (enterprise_id, team_id, is_enterprise_install, bot_user_id, bot_token_enc, user_token_enc, installation_enc)
        values (${enterprise}, ${team}, ${org}, ${installation.bot?.userId ?? null}, ${seal(installation.bot?.token, 'bot')},
          ${seal(installation.user?.token, 'user')}, ${cipher.encrypt(JSON.stringify(installation), context('installation'))})
        on conflict ((coalesce(enterprise_id, '')), (coalesce(team_id, ''))) do update set
          is_enterprise_install = excluded.is_enterprise_install, bot_user_id = excluded.bot_user_id,
          bot_token_enc = excluded.bot_token_enc, user_token_enc = excluded.user_token_enc,
          installation_enc = excluded.installation_enc, updated_at = now()`;
    },

    async fetchInstallation(query) {
      const row = await find(query);
      if (!row) throw new InstallationNotFoundError(query);
      return decryptInstallation(row);
    },

    /** With a userId only that person's token goes (their grant was revoked); otherwise the whole installation. */
    async deleteInstallation(query) {
      if (!query.userId) {
        await forgetWorkspace(sql, { ...query, keepSettings: true });
        return;
      }
      const row = await find(query);
      if (!row) return;
      const installation = decryptInstallation(row);
      if (installation.user?.id !== query.userId) return;
      installation.user = { id: installation.user.id, token: undefined, scopes: undefined };
      const { context } = keyOf(row.enterprise_id, row.team_id);
      await sql`
        update slack_installations set user_token_enc = null, updated_at = now(),
          installation_enc = ${cipher.encrypt(JSON.stringify(installation), context('installation'))}
        where enterprise_id is not distinct from ${row.enterprise_id} and team_id is not distinct from ${row.team_id}`;
    },

    async tokenFor(teamId) {
      const row = await find({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
      return row?.bot_token_enc ? cipher.decrypt(row.bot_token_enc, keyOf(row.enterprise_id, row.team_id).context('bot')) : undefined;
    },

    async orgTokens() {
      const rows = await sql<(Row & { enterprise_id: string; bot_token_enc: string })[]>`
        select enterprise_id, team_id, bot_token_enc, installation_enc from slack_installations
        where is_enterprise_install and team_id is null and bot_token_enc is not null order by created_at, id`;
      return rows.map((row) => ({
        enterpriseId: row.enterprise_id,
        token: cipher.decrypt(row.bot_token_enc, keyOf(row.enterprise_id, null).context('bot')),
      }));
    },

    async teamIds() {
      const rows = await sql<{ team_id: string }[]>`
        select team_id from slack_installations where team_id is not null order by created_at, id`;
      return rows.map((r) => r.team_id);
    },
  };
}

/**
 * Forgets a workspace that uninstalled Lookout or revoked its tokens: its installation (or its org's, for an org-wide
 * uninstall) and its settings, in one transaction. Returns how many rows went.
 */
export async function forgetWorkspace(
  sql: postgres.Sql,
  ref: WorkspaceRef & { keepSettings?: boolean },
): Promise<{ installations: number; settings: number }> {
  return await sql.begin(async (tx) => {
    const installations = ref.isEnterpriseInstall
      ? await tx`delete from slack_installations where enterprise_id = ${ref.enterpriseId ?? ''} and team_id is null`
      : await tx`delete from slack_installations where team_id = ${ref.teamId ?? ''}`;
    const settings = ref.teamId && !ref.keepSettings ? await tx`delete from workspace_settings where team_id = ${ref.teamId}` : { count: 0 };
    return { installations: installations.count, settings: settings.count };
  });
}
