import { ErrorCode, isValidSlackRequest, type ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import express, { type NextFunction, type Request, type Response } from 'express';

export interface ReplayGuardOptions {
  signingSecret: string;
  /** The same limit Bolt's receiver is given; the raw body read here is handed on to it. */
  bodyLimit: number;
  /** Signatures remembered at most; the oldest is forgotten first (only signed requests are ever remembered). */
  maxEntries?: number;
  now?: () => number;
}

const WINDOW_S = 5 * 60;

/**
 * Refuses a signed Slack request seen before. Bolt checks the signature and that the timestamp is not older than five
 * minutes, but accepts the same signed request again; a captured button click could be replayed within that window.
 * This middleware runs before Bolt's receiver: it reads the raw body (handing it on as `req.rawBody`, which Bolt uses),
 * and for a request whose signature and timestamp are valid remembers the signature until the timestamp goes stale.
 * Invalid requests pass through untouched so that Bolt refuses them with its usual 401. Either way a repeat is never
 * dispatched again: a replay gets 401, and a repeat marked as Slack's retry (same second, same bytes) gets 200.
 */
export function slackReplayGuard({ signingSecret, bodyLimit, maxEntries = 50_000, now = Date.now }: ReplayGuardOptions) {
  const seen = new Map<string, number>();
  const readRaw = express.raw({ type: () => true, limit: bodyLimit });

  const forgetStale = (nowS: number) => {
    for (const [signature, expires] of seen) {
      if (expires > nowS && seen.size < maxEntries) break;
      seen.delete(signature);
    }
  };

  return [
    readRaw,
    (req: Request & { rawBody?: Buffer }, res: Response, next: NextFunction) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.rawBody = raw;
      const signature = req.get('x-slack-signature');
      const timestamp = Number(req.get('x-slack-request-timestamp'));
      const nowS = Math.floor(now() / 1000);
      // Bolt's signature check on the string Bolt will verify, as of the request's own time: staleness is judged below.
      const signed = signature && Number.isInteger(timestamp) && isValidSlackRequest({
        signingSecret, body: raw.toString('utf8'), headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: timestamp * 1000,
      });
      if (!signed) return next();
      // Bolt refuses only old timestamps; one from the future would outlive the memory below, so it is refused here.
      if (Math.abs(nowS - timestamp) > WINDOW_S) {
        res.status(401).send();
        return;
      }
      forgetStale(nowS);
      if (seen.has(signature)) {
        // Slack's own retry of a delivery it timed out on: the first one was dispatched, so acknowledge without acting.
        if (req.get('x-slack-retry-num')) res.status(200).send();
        else res.status(401).json({ error: 'replayed request: this signed request was already received' });
        return;
      }
      // Entries are added in arrival order and all live the same window, so the first one expires first.
      seen.set(signature, Math.max(timestamp, nowS) + WINDOW_S);
      next();
    },
    // Unreadable bodies (too large, bad encoding) are answered here, without Express's default page and its stack trace.
    (err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      const status = err.status ?? 500;
      if (status < 400 || status >= 500) return next(err);
      res.status(status).json({ error: status === 413 ? `body is larger than ${bodyLimit} bytes` : 'body could not be read' });
    },
  ];
}

/**
 * Bolt answers 500 when a signed body of an unexpected shape makes it throw before any listener acks (`"event": null`
 * does). Such a request is malformed, and retrying it cannot help: 400. Authorisation failures keep Bolt's 401.
 */
export async function malformedSlackRequest({ error, response, logger }: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (response.headersSent) return false;
  const unauthorised = (error as { code?: string }).code === ErrorCode.AuthorizationError;
  logger.warn(unauthorised ? 'Slack request from a workspace without an installation' : `malformed Slack request: ${error.message}`);
  response.writeHead(unauthorised ? 401 : 400);
  response.end();
  return unauthorised;
}
