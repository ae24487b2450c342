import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressReceiverOptions, Installation } from '@slack/bolt';
import { slackAuthorizeUrl, type SlackMode } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { botScopes } from '../core/slack-scopes.js';
import type { WorkspaceInstallations } from './installation-store.js';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

type InstallerOptions = NonNullable<ExpressReceiverOptions['installerOptions']>;
type CallbackOptions = NonNullable<InstallerOptions['callbackOptions']>;

/**
 * The ExpressReceiver options of OAuth mode. `/slack/install` sets a state cookie and redirects to Slack's authorize
 * page; `/slack/oauth_redirect` checks the state against the cookie and its signature, exchanges the code with
 * oauth.v2.access and stores the installation. Both the authorize page and oauth.v2.access follow SLACK_API_URL.
 */
export function oauthReceiverOptions(
  mode: Extract<SlackMode, { kind: 'oauth' }>,
  { apiUrl, installationStore, log }: { apiUrl: string; installationStore: WorkspaceInstallations; log: Logger },
): Partial<ExpressReceiverOptions> {
  return {
    clientId: mode.clientId,
    clientSecret: mode.clientSecret,
    stateSecret: mode.stateSecret,
    installationStore,
    scopes: Object.keys(botScopes),
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      directInstall: true,
      authorizationUrl: slackAuthorizeUrl(apiUrl),
      clientOptions: { slackApiUrl: apiUrl },
      callbackOptions: callbacks(log),
    },
  };
}

function callbacks(log: Logger): CallbackOptions {
  return {
    success(installation: Installation, _options, _req: IncomingMessage, res: ServerResponse) {
      const where = installation.isEnterpriseInstall
        ? `the ${installation.enterprise?.name ?? installation.enterprise?.id} organisation`
        : `the ${installation.team?.name ?? installation.team?.id} workspace`;
      log.info({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id }, 'Slack installation stored');
      page(res, 200, 'Lookout is installed', `Lookout is installed in ${esc(where)}.`, [
        'Invite it to the channels where your alerts arrive: <code>/invite @Lookout</code>.',
        'Choose alert channels and approvers on the <a href="/">settings page</a>.',
      ]);
    },
    failure(error, _options, _req: IncomingMessage, res: ServerResponse) {
      const { status, why } = explain(error);
      log.warn({ code: error.code, err: error }, `Slack installation failed: ${why}`);
      page(res, status, 'Lookout was not installed', esc(why), [`<a href="${INSTALL_PATH}">Start the installation again</a>.`]);
    },
  };
}

/** What went wrong, in the installer's words, and whose fault it was (the request's, or Slack's answer). */
function explain(error: { code?: string; message?: string; data?: { error?: string } }): { status: number; why: string } {
  switch (error.code) {
    case 'slack_oauth_missing_state':
    case 'slack_oauth_invalid_state':
      return { status: 400, why: 'The install link is not valid for this browser (it expired, was used already, or was opened elsewhere), so it was refused.' };
    case 'slack_oauth_missing_code':
      return { status: 400, why: 'Slack sent no authorisation code, so nothing could be installed.' };
    case 'slack_oauth_installer_authorization_error':
      return { status: 400, why: 'The installation was cancelled in Slack.' };
    default: {
      const slackError = error.data?.error;
      return slackError
        ? { status: 502, why: `Slack refused the installation (${slackError}). Check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.` }
        : { status: 500, why: `The installation could not be completed: ${error.message ?? 'unknown error'}.` };
    }
  }
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, lead: string, next: string[]): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f8f8f8;color:#1d1c1d}
main{max-width:640px;margin:48px auto;background:#fff;border:1px solid #ddd;border-radius:8px;padding:24px}</style></head>
<body><main><h1>${esc(title)}</h1><p>${lead}</p><ul>${next.map((n) => `<li>${n}</li>`).join('')}</ul></main></body></html>`);
}
