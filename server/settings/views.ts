import { remediationActions } from '../../core/diagnosis.js';
import { defaultPolicy } from '../../core/policy.js';
import { maskWebhook, notificationLabels, notificationTypes, type FieldErrors, type Form, type WorkspaceSettings } from '../../core/settings.js';
import { botScopes } from '../../core/slack-scopes.js';
import type { AuditEvent } from '../audit.js';
import { csrfField } from './csrf.js';
import type { Session } from './session.js';
import type { SlackChannel } from './slack-admin.js';
import { STYLE, SCRIPT } from './assets.js';

export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface SlackStatus {
  teamId: string;
  team: string;
  url: string;
  botUserId: string;
  botName: string;
  granted?: string[];
  missing: string[];
  /** Slack's error code when auth.test failed. */
  error?: string;
}

export interface PageModel {
  mode: 'sandbox' | 'single' | 'oauth' | 'socket';
  session: Session;
  teamId?: string;
  slack?: SlackStatus;
  channels?: SlackChannel[];
  channelsError?: string;
  settings?: WorkspaceSettings;
  /** Webhook URLs decrypted for masking, by notification type. */
  webhooks?: Partial<Record<string, string>>;
  form?: Form;
  errors?: FieldErrors;
  notice?: string;
  error?: string;
  main: string;
}

export function layout(title: string, body: string, banner?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><a class="skip" href="#main">Skip to content</a><main id="main">
<h1>Lookout settings</h1>${banner ? `<p role="note" class="note">${esc(banner)}</p>` : ''}${body}</main><script>${SCRIPT}</script></body></html>`;
}

const messages = (m: Pick<PageModel, 'notice' | 'error'>) =>
  `${m.notice ? `<p class="ok" role="status">${esc(m.notice)}</p>` : ''}${m.error ? `<p class="bad" role="alert">${esc(m.error)}</p>` : ''}`;

const form = (session: Session, action: string, inner: string, attrs = '') =>
  `<form method="post" action="${action}"${attrs}>${csrfField(session)}${inner}</form>`;

/** The Slack card for someone not signed in: connect (OAuth install) and sign in, or the ADMIN_TOKEN login. */
export function signedOut(m: Pick<PageModel, 'mode' | 'session' | 'notice' | 'error'>, { adminTokenSet, workspace }: { adminTokenSet: boolean; workspace?: string }): string {
  if (m.mode === 'oauth') {
    const scopes = Object.entries(botScopes).map(([s, why]) => `<li><code>${esc(s)}</code> ${esc(why)}</li>`).join('');
    return `${messages(m)}<div class="cols"><section aria-labelledby="slack-h"><h2 id="slack-h">Slack</h2>
<p>Add Lookout to your Slack workspace, then sign in with Slack as a workspace admin or owner to change its settings.</p>
<p><a class="btn" href="/slack/install">Connect Slack</a> <a class="btn alt" href="/settings/signin">Sign in with Slack</a></p></section>
<aside aria-labelledby="grant-h"><h2 id="grant-h">What Connect Slack grants</h2><p>Slack asks you to allow Lookout to:</p><ul class="scopes">${scopes}</ul>
<p>Tokens are stored encrypted. Disconnect here at any time to revoke them and delete Lookout's data for your workspace.</p></aside></div>`;
  }
  const which = workspace ? `<p>Lookout is connected to ${esc(workspace)}.</p>` : '';
  if (!adminTokenSet) {
    return `${messages(m)}<section><h2>Admin access is not set up</h2>${which}<p>Settings can only be changed with an admin token. Set the
<code>ADMIN_TOKEN</code> environment variable on the Lookout server (for example <code>ADMIN_TOKEN=$(openssl rand -hex 24)</code>),
restart it, and sign in here with that token. Until then nothing on this page is editable.</p></section>`;
  }
  return `${messages(m)}<section><h2>Sign in</h2>${which}${form(m.session, '/settings/login', `<p><label for="token">Admin token (<code>ADMIN_TOKEN</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required></p><p><button>Sign in</button></p>`)}</section>`;
}

export function slackCard(m: PageModel): string {
  const s = m.slack;
  if (!s) return '<section><h2>Slack</h2><p>Not connected.</p></section>';
  const scopes = s.granted
    ? `<p>${s.granted.length} scopes granted.${s.missing.length ? ` <strong class="warn">Missing: ${s.missing.map((x) => `<code>${esc(x)}</code> (${esc(botScopes[x])})`).join(', ')}.</strong> <a href="/slack/install">Reinstall to grant them</a>.` : ' Nothing missing.'}</p>
<details><summary>Granted scopes</summary><p>${s.granted.map((x) => `<code>${esc(x)}</code>`).join(' ')}</p></details>`
    : '<p>Slack did not report the granted scopes.</p>';
  const who = m.session.userName || m.session.userId;
  return `<section aria-labelledby="slack-h"><h2 id="slack-h">Slack</h2><dl>
<dt>Workspace</dt><dd>${esc(s.team || s.teamId)} (<code>${esc(s.teamId)}</code>)</dd>
<dt>Bot user</dt><dd>@${esc(s.botName)} (<code>${esc(s.botUserId)}</code>)</dd>
<dt>Status</dt><dd>${s.error ? `<span class="bad">Slack refused the token: <code>${esc(s.error)}</code>. Connect Slack again.</span>` : '<span class="pill okp">Connected</span>'}</dd></dl>
${scopes}${who ? `<p class="muted">Signed in as ${esc(who)}. ${form(m.session, '/settings/logout', '<button class="link">Sign out</button>', ' class="inline"')}</p>` : ''}</section>`;
}

const fieldError = (errors: FieldErrors | undefined, name: string) =>
  errors?.[name] ? `<p class="err" id="${name}-err">${esc(errors[name])}</p>` : '';
const described = (errors: FieldErrors | undefined, name: string) =>
  errors?.[name] ? ` aria-invalid="true" aria-describedby="${name}-err"` : '';
const formValue = (f: Form | undefined, name: string, fallback: string) => {
  const v = f?.[name];
  return v === undefined ? fallback : Array.isArray(v) ? v.join(', ') : v;
};

export function channelsCard(m: PageModel): string {
  const chosen = m.settings?.alertChannels ?? [];
  const byId = new Map((m.channels ?? []).map((c) => [c.id, c]));
  const team = `<input type="hidden" name="team" value="${esc(m.teamId)}">`;
  const current = chosen.map((id) => {
    const c = byId.get(id);
    const member = c?.isMember
      ? '<span class="pill okp">Lookout is a member</span>'
      : `<span class="pill warnp">Lookout is not in this channel</span> <span class="muted">In Slack, type <code>/invite @${esc(m.slack?.botName || 'Lookout')}</code> in it.</span>`;
    return `<li>${c ? `${c.isPrivate ? '🔒' : '#'}${esc(c.name)}` : esc(id)} <code>${esc(id)}</code> ${member}
${form(m.session, '/settings/channels/remove', `${team}<input type="hidden" name="channel" value="${esc(id)}"><button class="link">Remove<span class="sr"> ${esc(c?.name ?? id)}</span></button>`, ' class="inline"')}</li>`;
  }).join('');
  const options = (m.channels ?? []).filter((c) => !chosen.includes(c.id)).map((c) =>
    `<li><label><input type="checkbox" name="channel" value="${esc(c.id)}"> ${c.isPrivate ? '🔒' : '#'}${esc(c.name)}${c.isMember ? '' : ' <span class="muted">(Lookout not in it)</span>'}</label></li>`).join('');
  const mode = formValue(m.form, 'mode', 'existing');
  return `<section aria-labelledby="ch-h"><h2 id="ch-h">Alert channels</h2>
${chosen.length ? `<ul class="plain" id="current-channels">${current}</ul>` : '<p>No channels chosen yet.</p>'}
${form(m.session, '/settings/channels', `${team}<fieldset><legend>Add a channel</legend>
<p class="radios"><label><input type="radio" name="mode" value="existing"${mode === 'existing' ? ' checked' : ''}> Use existing channels</label>
<label><input type="radio" name="mode" value="new"${mode === 'new' ? ' checked' : ''}> Create a new channel</label></p>
<div data-mode="existing">${m.channelsError ? `<p class="bad">Could not list channels: <code>${esc(m.channelsError)}</code></p>` : ''}
<p><label for="chfilter">Search channels</label><input id="chfilter" type="search" autocomplete="off" data-filter="chlist"></p>
<ul class="plain pick" id="chlist">${options || '<li class="muted">No other channels visible to Lookout.</li>'}</ul>${fieldError(m.errors, 'channel')}</div>
<div data-mode="new"><p><label for="new_channel">New channel name</label><input id="new_channel" name="new_channel" maxlength="80" value="${esc(formValue(m.form, 'new_channel', ''))}"
 pattern="[a-z0-9_\\-]+" aria-describedby="nc-hint${m.errors?.new_channel ? ' new_channel-err' : ''}"${m.errors?.new_channel ? ' aria-invalid="true"' : ''}>
<span id="nc-hint" class="muted">Lowercase letters, numbers, hyphens and underscores; up to 80 characters.</span></p>${fieldError(m.errors, 'new_channel')}
<p><label><input type="checkbox" name="new_private"> Private channel</label></p></div></fieldset>
<p><button>Add</button></p>`, ' novalidate')}</section>`;
}

export function settingsForm(m: PageModel): string {
  const s = m.settings!;
  const f = m.form;
  const names = new Map((m.channels ?? []).map((c) => [c.id, c.name]));
  const routes = notificationTypes.map((type) => {
    const route = s.routing[type];
    const picked = f ? [f[`${type}_channels`] ?? []].flat() : route?.channels ?? [];
    const boxes = [...new Set([...s.alertChannels, ...picked])].map((id) => `<label><input type="checkbox" name="${type}_channels" value="${esc(id)}"${picked.includes(id) ? ' checked' : ''}> #${esc(names.get(id) ?? id)}</label>`).join(' ');
    const hook = m.webhooks?.[type];
    return `<fieldset><legend>${esc(notificationLabels[type])}</legend>
<div class="row"><span class="lbl" id="${type}-ch">Channels</span><span role="group" aria-labelledby="${type}-ch">${boxes || '<span class="muted">Add alert channels above first.</span>'}</span></div>${fieldError(m.errors, `${type}_channels`)}
<p><label for="${type}_users">Direct messages to (user IDs)</label><input id="${type}_users" name="${type}_users" placeholder="U012ABCDEF" value="${esc(formValue(f, `${type}_users`, (route?.users ?? []).join(', ')))}"${described(m.errors, `${type}_users`)}></p>${fieldError(m.errors, `${type}_users`)}
<p><label for="${type}_webhook">Incoming webhook URL${hook ? ` <span class="muted">(set: <code>${esc(maskWebhook(hook))}</code>; leave empty to keep)</span>` : ''}</label>
<input id="${type}_webhook" name="${type}_webhook" type="url" inputmode="url" autocomplete="off" placeholder="https://hooks.slack.com/services/…"${described(m.errors, `${type}_webhook`)}></p>${fieldError(m.errors, `${type}_webhook`)}
${hook ? `<p><label><input type="checkbox" name="${type}_webhook_remove"> Remove the webhook</label></p>` : ''}</fieldset>`;
  }).join('');
  const policy = { ...defaultPolicy, ...s.policy };
  const actions = f ? [f.allowed_actions ?? []].flat() : policy.allowedActions ?? [...remediationActions];
  const second = f ? f.second_approver === 'on' : policy.secondApproverForDestructive;
  return `<section aria-labelledby="set-h"><h2 id="set-h">Routing, approvers and policy</h2>
${m.errors ? '<p class="bad" role="alert" id="form-errors">Nothing was saved: fix the fields marked below.</p>' : ''}
${form(m.session, '/settings', `<input type="hidden" name="team" value="${esc(m.teamId)}"><h3>Where notifications go</h3>${routes}
<h3>Approvers and policy</h3><fieldset><legend>Who may approve</legend>
<p><label for="approvers">Approver user IDs (U…) or user-group IDs (S…)</label><input id="approvers" name="approvers" value="${esc(formValue(f, 'approvers', s.approvers.join(', ')))}"${described(m.errors, 'approvers')}></p>${fieldError(m.errors, 'approvers')}</fieldset>
<fieldset><legend>Allowed actions</legend><div class="grid">${remediationActions.map((a) => `<label><input type="checkbox" name="allowed_actions" value="${a}"${actions.includes(a) ? ' checked' : ''}> <code>${a}</code></label>`).join('')}</div>${fieldError(m.errors, 'allowed_actions')}</fieldset>
<fieldset><legend>Namespaces</legend><p><label for="namespaces">Allowed namespaces (names or globs like <code>team-*</code>; empty means all)</label>
<input id="namespaces" name="namespaces" value="${esc(formValue(f, 'namespaces', (policy.namespaces ?? []).join(', ')))}"${described(m.errors, 'namespaces')}></p>${fieldError(m.errors, 'namespaces')}
<p><label><input type="checkbox" name="second_approver"${second ? ' checked' : ''}> A destructive action (scale to zero, rollout undo) needs a second, different approver</label></p></fieldset>
<p><button>Save settings</button></p>`, ' novalidate')}</section>`;
}

export interface TestResult {
  destination: string;
  types: string[];
  ok: boolean;
  error?: string;
  advice?: string;
}

export function testCard(m: PageModel, results?: TestResult[]): string {
  const rows = results?.map((r) => `<li class="${r.ok ? 'okl' : 'badl'}"><strong>${r.ok ? '✓ Delivered' : '✗ Failed'}</strong> ${esc(r.destination)}
<span class="muted">(${esc(r.types.join(', '))})</span>${r.ok ? '' : `: <code>${esc(r.error)}</code>. ${esc(r.advice)}`}</li>`).join('');
  return `<section aria-labelledby="test-h"><h2 id="test-h">Test notification</h2><p>Sends a sample message to every destination in the saved routing.</p>
${results ? (results.length ? `<ul class="plain" id="test-results" aria-live="polite">${rows}</ul>` : '<p id="test-results">No destinations are routed yet: save some first.</p>') : ''}
${form(m.session, '/settings/test', `<input type="hidden" name="team" value="${esc(m.teamId)}"><button>Send test notification</button>`)}</section>`;
}

export function incidentsCard(rows: { when: string; name: string; status: string; thread?: string; temporal: string }[]): string {
  const body = rows.map((r) => `<tr><td>${esc(r.when)}</td><td>${esc(r.name)}</td><td><span class="pill s-${esc(r.status)}">${esc(r.status)}</span></td>
<td>${r.thread ? `<a href="${esc(r.thread)}">thread</a> · ` : ''}<a href="${esc(r.temporal)}">Temporal</a></td></tr>`).join('');
  return `<section aria-labelledby="inc-h"><h2 id="inc-h">Recent incidents</h2>${rows.length
    ? `<div class="scroll"><table><thead><tr><th scope="col">Started</th><th scope="col">Alert</th><th scope="col">Status</th><th scope="col">Links</th></tr></thead><tbody>${body}</tbody></table></div>`
    : '<p>No incidents yet.</p>'}</section>`;
}

export function auditCard(events: AuditEvent[], temporal: (workflowId: string) => string): string {
  // The audit trail outlives Temporal's retention: decisions, refusals, executions, verifications.
  const rows = events.map((e) => `<tr><td>${esc(e.createdAt.toISOString().replace('T', ' ').slice(0, 19))}</td>
<td>${esc(e.actor ?? 'Lookout')}</td><td>${esc(e.action ?? e.type)}</td><td>${esc(e.target ?? '')}</td><td>${esc(e.outcome ?? '')}</td>
<td>${e.workflowId ? `<a href="${esc(temporal(e.workflowId))}">incident</a>` : ''}</td></tr>`).join('');
  return `<section aria-labelledby="audit-h"><h2 id="audit-h">Audit trail</h2>${events.length
    ? `<div class="scroll"><table><thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col">Links</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : '<p>No decisions or remediations yet.</p>'}</section>`;
}

export function disconnectCard(m: PageModel, confirm: boolean): string {
  const team = `<input type="hidden" name="team" value="${esc(m.teamId)}">`;
  return `<section aria-labelledby="dc-h" class="danger"><h2 id="dc-h">Disconnect</h2>${confirm
    ? `<p role="alert"><strong>Disconnect ${esc(m.slack?.team ?? m.teamId)}?</strong> This revokes Lookout's token and deletes its installation, settings, incidents and audit trail for this workspace. It cannot be undone.</p>
${form(m.session, '/settings/disconnect', `${team}<input type="hidden" name="confirm" value="yes"><button class="dangerb" autofocus>Yes, disconnect and delete</button> <a href="/">Cancel</a>`)}`
    : `<p>Revoke Lookout's token and delete everything it stored for this workspace.</p>
${form(m.session, '/settings/disconnect', `${team}<button class="dangerb">Disconnect…</button>`)}`}</section>`;
}

export function disconnectedPage(teamId: string, deleted: Record<string, number>, left: Record<string, number>, revoked: string): string {
  const rows = Object.keys(left).map((k) => `<tr><th scope="row">${esc(k)}</th><td>${deleted[k] ?? 0}</td><td>${left[k]}</td></tr>`).join('');
  const empty = Object.values(left).every((n) => n === 0);
  return `<section><h2>Disconnected</h2><p role="status">${esc(revoked)} ${empty ? `Nothing of workspace <code>${esc(teamId)}</code> is left in Lookout's database.` : 'Some rows remain (see below).'}</p>
<table id="left"><thead><tr><th scope="col">Table</th><th scope="col">Deleted</th><th scope="col">Left</th></tr></thead><tbody>${rows}</tbody></table>
<p><a href="/">Back to settings</a></p></section>`;
}

export { messages };
