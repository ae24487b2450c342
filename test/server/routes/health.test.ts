import http from 'node:http';
import express from 'express';
import { createMetrics } from '../../../core/metrics.js';
import { healthRoutes } from '../../../server/routes/health.js';

async function serve(checks: Record<string, () => Promise<void>>) {
  const app = express().use(healthRoutes({ checks, metrics: createMetrics(), timeoutMs: 200 }));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

test('readyz names the dependency that does not answer, including one that hangs', async () => {
  const s = await serve({
    temporal: async () => undefined,
    postgres: () => new Promise<void>(() => undefined),
  });
  try {
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable', failing: ['postgres'], checks: { temporal: 'ok', postgres: 'unavailable: no answer within 200 ms' },
    });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  } finally {
    await s.close();
  }
});

test('readyz reports the error of a failing check', async () => {
  const s = await serve({ temporal: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:7233'); }, postgres: async () => undefined });
  try {
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(503);
    expect((await res.json()).checks.temporal).toBe('unavailable: connect ECONNREFUSED 127.0.0.1:7233');
  } finally {
    await s.close();
  }
});

test('metrics are served in the Prometheus text format', async () => {
  const s = await serve({});
  try {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('# TYPE lookout_alerts_received_total counter');
  } finally {
    await s.close();
  }
});
