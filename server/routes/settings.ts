import express from 'express';
import { temporalUiLink, type Config } from '../../core/config.js';
import type { ServerStore } from '../store.js';

export interface SettingsDeps {
  config: Config;
  store: Pick<ServerStore, 'recentIncidents' | 'recentAudit'>;
  team: { id?: string; name?: string };
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `GET /`: the workspace's connection, where alerts go, and the recent incidents with their audit trails. */
export function settingsRoutes({ config, store, team }: SettingsDeps): express.Router {
  const router = express.Router();
  router.get('/', async (_req, res) => {
    const incidents = await store.recentIncidents(25);
    // The audit trail outlives Temporal's retention: decisions, refusals, executions, verifications.
    const audit = team.id ? await store.recentAudit(team.id, 20) : [];
    const auditRows = audit.map((e) => `<tr><td>${esc(e.createdAt.toISOString().replace('T', ' ').slice(0, 19))}</td>
      <td>${esc(e.actor ?? 'Lookout')}</td><td>${esc(e.action ?? e.type)}</td><td>${esc(e.target ?? '')}</td><td>${esc(e.outcome ?? '')}</td>
      <td>${e.workflowId ? `<a href="${esc(temporalUiLink(config.temporal, e.workflowId))}">incident</a>` : ''}</td></tr>`).join('');
    const rows = incidents.map((i) => `<tr><td>${esc(i.created_at.toISOString().replace('T', ' ').slice(0, 19))}</td>
      <td>${esc(i.alert_name)}</td><td>${esc(i.severity)}</td><td><span class="s ${esc(i.status)}">${esc(i.status)}</span></td>
      <td>${esc(i.namespace ?? '')}</td><td><a href="${esc(temporalUiLink(config.temporal, i.workflow_id))}">audit trail</a></td></tr>`).join('');
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Lookout</title><style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1c1d;background:#f8f8f8}main{max-width:960px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px;margin:16px 0}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:6px;border-bottom:1px solid #eee;font-size:14px}
.s{padding:2px 8px;border-radius:10px;background:#eee}.resolved{background:#d6f5dd}.failed,.rejected{background:#fde2e1}.awaiting_approval{background:#fff3cd}
dt{font-weight:600}dd{margin:0 0 8px}</style></head><body><main>
<h1>Lookout</h1><p>Every alert becomes a durable incident: diagnosis in the alert's thread, remediation on approval.</p>
${config.banner ? `<p role="note"><strong>${esc(config.banner)}</strong></p>` : ''}
<section><h2>Workspace</h2><dl><dt>Slack</dt><dd>${esc(team.name ?? 'not connected')} ${team.id ? `(${esc(team.id)})` : ''}</dd>
<dt>Alerts channel</dt><dd>${esc(config.alertsChannel ?? 'not set: set ALERTS_CHANNEL')}</dd>
<dt>Approvers</dt><dd>${config.approveAnyone ? 'anyone (sandbox)' : esc(config.approvers.join(', ') || 'nobody yet: set APPROVERS')}</dd>
<dt>Temporal</dt><dd><a href="${esc(config.temporal.uiUrl)}">${esc(config.temporal.uiUrl)}</a> (namespace ${esc(config.temporal.namespace)})</dd></dl></section>
<section><h2>Recent incidents</h2>${incidents.length ? `<table><thead><tr><th>Started</th><th>Alert</th><th>Severity</th><th>Status</th><th>Namespace</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No incidents yet.</p>'}</section>
<section><h2>Audit trail</h2>${audit.length ? `<table><thead><tr><th>Time</th><th>Who</th><th>Action</th><th>Target</th><th>Outcome</th><th></th></tr></thead><tbody>${auditRows}</tbody></table>` : '<p>No decisions or remediations yet.</p>'}</section>
</main></body></html>`);
  });
  return router;
}
