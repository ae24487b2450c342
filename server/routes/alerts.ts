import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Alert } from '../../core/alert.js';
import { InvalidInputError } from '../../core/errors.js';
import type { Metrics } from '../../core/metrics.js';
import { parseAlertmanager } from '../alerts/alertmanager.js';
import { parseGeneric } from '../alerts/generic.js';
import type { IncidentGateway } from '../incidents.js';
import type { Logger } from '../../core/logger.js';

export interface AlertRoutesDeps {
  incidents: IncidentGateway;
  /** Where webhook-delivered alerts are posted; undefined when nothing is configured yet. */
  alertsChannel(): Promise<{ channel: string; teamId?: string } | undefined>;
  webhookToken?: string;
  metrics: Metrics;
  log: Logger;
}

const BODY_LIMIT = '1mb';

/** `POST /alerts/alertmanager` and `POST /alerts/generic`: 202 once every alert in the request is held by Temporal. */
export function alertRoutes(deps: AlertRoutesDeps): express.Router {
  const router = express.Router();
  router.use('/alerts', requireToken(deps.webhookToken), express.json({ limit: BODY_LIMIT, type: () => true }));
  router.post('/alerts/alertmanager', handle(deps, 'alertmanager', (body) => parseAlertmanager(body)));
  router.post('/alerts/generic', handle(deps, 'generic', (body) => [parseGeneric(body)]));
  router.use('/alerts', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const endpoint = req.path.replace(/^\//, '') || 'alerts';
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 400 && status < 500) {
      deps.metrics.alertsRejected.inc({ endpoint, reason: (err as { type?: string }).type ?? 'bad_request' });
      const message = status === 413 ? `body is larger than ${BODY_LIMIT}` : 'body is not valid JSON';
      res.status(status).json({ error: message });
      return;
    }
    next(err);
  });
  return router;
}

function handle(deps: AlertRoutesDeps, endpoint: string, parse: (body: unknown) => Alert[]) {
  return async (req: Request, res: Response) => {
    const stopTimer = deps.metrics.ackLatency.startTimer({ endpoint });
    let alerts: Alert[];
    try {
      alerts = parse(req.body);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      deps.metrics.alertsRejected.inc({ endpoint, reason: 'invalid' });
      res.status(400).json({ error: err.message });
      return;
    }
    const target = alerts.some((a) => a.status === 'firing') ? await deps.alertsChannel() : undefined;
    if (alerts.some((a) => a.status === 'firing') && !target) {
      res.status(503).json({ error: 'no alerts channel is configured: set ALERTS_CHANNEL or pick a channel in settings' });
      return;
    }
    try {
      const results = await Promise.all(alerts.map(async (alert) => {
        deps.metrics.alertsReceived.inc({ source: alert.source, status: alert.status });
        if (alert.status === 'resolved') {
          const open = await deps.incidents.resolve(alert);
          return { key: alert.key, outcome: open ? 'resolved' : 'no_open_incident' };
        }
        const { workflowId, outcome } = await deps.incidents.open(alert, target!);
        return { key: alert.key, workflowId, outcome };
      }));
      res.status(202).json({ accepted: results.length, results });
    } catch (err) {
      deps.log.error({ err, endpoint }, 'could not hand alerts to Temporal');
      res.status(503).json({ error: 'Temporal is unavailable; the alerts were not accepted, retry later' });
    } finally {
      stopTimer();
    }
  };
}

function requireToken(token: string | undefined) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected) return next();
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).json({ error: 'missing or wrong bearer token (Authorization: Bearer <ALERT_WEBHOOK_TOKEN>)' });
  };
}
