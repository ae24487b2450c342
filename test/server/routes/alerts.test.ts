import http from 'node:http';
import express from 'express';
import type { Alert } from '../../../core/alert.js';
import { createLogger } from '../../../core/logger.js';
import { createMetrics } from '../../../core/metrics.js';
import type { IncidentGateway } from '../../../server/incidents.js';
import { alertRoutes } from '../../../server/routes/alerts.js';
import { crashLoopWebhook } from '../../fixtures/alertmanager.js';

// The routes against a recording gateway: what reaches Temporal, and what is refused before it.
async function serve(opts: { token?: string; channel?: string; failing?: boolean } = {}) {
  const opened: Alert[] = [];
  const resolved: Alert[] = [];
  const incidents: IncidentGateway = {
    async open(alert) {
      if (opts.failing) throw new Error('14 UNAVAILABLE: connection refused');
      opened.push(alert);
      return { workflowId: `incident-${alert.key}`, outcome: 'started' };
    },
    async resolve(alert) { resolved.push(alert); return true; },
    async decide() { return true; },
    async reportOf() { return undefined; },
    async resolveWorkflow() { return true; },
    async remind() { return { workflowId: 'reminder-x', outcome: 'started' }; },
  };
  const app = express().use(alertRoutes({
    incidents, metrics: createMetrics(), log: createLogger('test', 'silent'), webhookToken: opts.token,
    alertsChannel: async () => (opts.channel === undefined ? { channel: 'C0ALERTS' } : opts.channel ? { channel: opts.channel } : undefined),
  }));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { post, opened, resolved, close: () => new Promise((r) => server.close(r)) };
}

test('with ALERT_WEBHOOK_TOKEN set, a missing or wrong bearer token gets 401 and starts nothing', async () => {
  const s = await serve({ token: 's3cret' });
  try {
    const body = JSON.stringify(crashLoopWebhook());
    expect((await s.post('/alerts/alertmanager', body)).status).toBe(401);
    const wrong = await s.post('/alerts/alertmanager', body, { authorization: 'Bearer s3cre7' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toContain('bearer token');
    expect(s.opened).toHaveLength(0);
    expect((await s.post('/alerts/alertmanager', body, { authorization: 'Bearer s3cret' })).status).toBe(202);
    expect(s.opened).toHaveLength(1);
  } finally {
    await s.close();
  }
});

test('oversized and malformed bodies get a 4xx with a reason', async () => {
  const s = await serve();
  try {
    const huge = await s.post('/alerts/generic', JSON.stringify({ title: 'x', text: 'y'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toBe('body is larger than 1mb');
    const broken = await s.post('/alerts/generic', '{"title":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'body is not valid JSON' });
    expect(s.opened).toHaveLength(0);
  } finally {
    await s.close();
  }
});

test('firing alerts start incidents and resolved ones are signalled, in one request', async () => {
  const s = await serve();
  try {
    const body = crashLoopWebhook();
    body.alerts.push({ ...body.alerts[0], status: 'resolved', fingerprint: 'ffff' });
    const res = await s.post('/alerts/alertmanager', JSON.stringify(body));
    expect(res.status).toBe(202);
    expect((await res.json()).results.map((r: { outcome: string }) => r.outcome)).toEqual(['started', 'resolved']);
    expect(s.opened.map((a) => a.status)).toEqual(['firing']);
    expect(s.resolved.map((a) => a.key)).toEqual([expect.stringMatching(/^am-ffff-/)]);
  } finally {
    await s.close();
  }
});

test('no configured channel or an unreachable Temporal gives 503, so the sender retries', async () => {
  const noChannel = await serve({ channel: '' });
  const down = await serve({ failing: true });
  try {
    const body = JSON.stringify(crashLoopWebhook());
    const a = await noChannel.post('/alerts/alertmanager', body);
    expect(a.status).toBe(503);
    expect((await a.json()).error).toContain('ALERTS_CHANNEL');
    const b = await down.post('/alerts/generic', JSON.stringify({ title: 't', text: 'x' }));
    expect(b.status).toBe(503);
    expect((await b.json()).error).toContain('Temporal is unavailable');
  } finally {
    await noChannel.close();
    await down.close();
  }
});
