import { escapeHtml, plainToHtml } from './mrkdwn.js';
import { CLIENT_SCRIPT } from './page-script.js';
import { STYLES } from './page-styles.js';

/** The sandbox page's frame: layout, styles and the small polling script. No external assets. */

export interface PageParts {
  nonce: string;
  banner?: string;
  teamName: string;
  channelId: string;
  version: number;
  actingAs: string;
  users: { id: string; name: string; realName: string }[];
  controls: { id: string; label: string }[];
  sidebar: string;
  header: string;
  messages: string;
}

const COMPOSER_HINT = 'Message the channel as the person you are acting as (Enter to send, Shift+Enter for a new line)';

function userOption(u: PageParts['users'][number], actingAs: string): string {
  const selected = u.id === actingAs ? ' selected' : '';
  return `<option value="${escapeHtml(u.id)}"${selected}>${escapeHtml(u.name)} (${escapeHtml(u.realName)})</option>`;
}

export function renderPage(p: PageParts): string {
  const options = p.users.map((u) => userOption(u, p.actingAs)).join('');
  const banner = p.banner ? `<div class="banner" role="status">${plainToHtml(p.banner)}</div>` : '';
  const controls = p.controls
    .map(
      (c) => `<button type="button" class="control" data-control="${escapeHtml(c.id)}">${escapeHtml(c.label)}</button>`,
    )
    .join('');
  const team = escapeHtml(p.teamName);
  const cancel = '<button type="button" class="link" id="cancel-reply">cancel</button>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${team} · Slack sandbox</title><link rel="icon" href="data:,"><style>${STYLES}</style></head>
<body data-channel="${escapeHtml(p.channelId)}" data-version="${p.version}">
${banner}
<div class="topbar"><span class="brand">${team}</span><span class="muted">local Slack emulator</span>
<span class="spacer"></span>${controls}<label>acting as <select id="acting-as">${options}</select></label></div>
<div class="app">
<nav class="sidebar" id="sidebar">${p.sidebar}</nav>
<main class="main">
<div class="ch-header" id="ch-header">${p.header}</div>
<div class="messages" id="messages">${p.messages}</div>
<form class="composer" id="composer">
<textarea id="composer-text" placeholder="${COMPOSER_HINT}"></textarea>
<div class="row"><span class="replying" id="replying" hidden>Replying in thread · ${cancel}</span>
<span class="spacer"></span><button type="submit">Send</button></div>
</form>
</main></div>
<div id="toast" role="alert"></div>
<script nonce="${p.nonce}">${CLIENT_SCRIPT}</script>
</body></html>`;
}
