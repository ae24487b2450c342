import type { App, Context } from '@slack/bolt';
import type { WorkspaceInstallations, WorkspaceRef } from '../installation-store.js';

export interface LifecycleDeps {
  /** Deletes the workspace's installation and settings (server/installation-store.ts `forgetWorkspace`). */
  forgetWorkspace(ref: WorkspaceRef): Promise<{ installations: number; settings: number }>;
  /** OAuth mode only: lets a revoked user token go while the bot stays installed. */
  installations?: Pick<WorkspaceInstallations, 'deleteInstallation'>;
}

const refOf = (context: Context): WorkspaceRef => ({
  teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall,
});

/**
 * `app_uninstalled` and `tokens_revoked`: Slack has already revoked the tokens, so Lookout forgets the workspace.
 * Bolt skips authorisation for these two events, so they arrive even when the installation is already gone.
 */
export function registerLifecycle(app: App, deps: LifecycleDeps): void {
  const forget = async (context: Context, why: string, logger: { info(...m: unknown[]): void }) => {
    const removed = await deps.forgetWorkspace(refOf(context));
    logger.info(`${why}: forgot ${context.isEnterpriseInstall ? `org ${context.enterpriseId}` : `workspace ${context.teamId}`}`,
      `(${removed.installations} installation, ${removed.settings} settings rows)`);
  };

  app.event('app_uninstalled', async ({ context, logger }) => {
    try {
      await forget(context, 'app uninstalled', logger);
    } catch (err) {
      logger.error('app_uninstalled could not be applied', err);
    }
  });

  app.event('tokens_revoked', async ({ event, context, logger }) => {
    try {
      // Without its bot token Lookout can do nothing there; a revoked user token only loses that person's grant.
      if (event.tokens.bot?.length) return void (await forget(context, 'bot token revoked', logger));
      for (const userId of event.tokens.oauth ?? []) {
        await deps.installations?.deleteInstallation({ ...refOf(context), userId } as Parameters<WorkspaceInstallations['deleteInstallation']>[0]);
      }
    } catch (err) {
      logger.error('tokens_revoked could not be applied', err);
    }
  });
}
