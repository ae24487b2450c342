import express from 'express';
import type { Metrics } from '../../core/metrics.js';

export interface HealthDeps {
  /** Each check resolves when its dependency answers and rejects with the reason when it does not. */
  checks: Record<string, () => Promise<void>>;
  metrics: Metrics;
  timeoutMs?: number;
}

/** `/healthz` (the process lives), `/readyz` (its dependencies answer) and `/metrics` (Prometheus text). */
export function healthRoutes({ checks, metrics, timeoutMs = 3000 }: HealthDeps): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, `unavailable: ${err instanceof Error ? err.message : String(err)}`] as const;
      }
    }));
    const failing = results.filter(([, s]) => s !== 'ok').map(([n]) => n);
    res.status(failing.length ? 503 : 200).json({
      status: failing.length ? 'unavailable' : 'ready', ...(failing.length ? { failing } : {}), checks: Object.fromEntries(results),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
