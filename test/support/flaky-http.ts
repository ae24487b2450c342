import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A thin HTTP front for the Slack emulator's Web API that, while a failure window is open, answers every call itself
 * with 429 (Retry-After) or a 5xx in turn instead of forwarding it: Slack rate-limiting or failing for a while.
 */
export class FlakyHttpFront {
  private server?: Server;
  private failingUntil = 0;
  private readonly statuses: number[] = [429, 500, 503];
  /** The failures served, by method (`chat.postMessage`, ...). */
  readonly failed: { method: string; status: number; at: number }[] = [];

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
        if (Date.now() < this.failingUntil) {
          const status = this.statuses[this.failed.length % this.statuses.length];
          this.failed.push({ method, status, at: Date.now() });
          const headers: Record<string, string> = { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) };
          res.writeHead(status, headers).end(JSON.stringify({ ok: false, error: status === 429 ? 'ratelimited' : 'internal_error' }));
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
        fetch(`${this.upstream}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
          .then(async (up) => {
            const body = Buffer.from(await up.arrayBuffer());
            res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json', ...(up.headers.get('retry-after') ? { 'retry-after': up.headers.get('retry-after')! } : {}) }).end(body);
          })
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Fails every call for the next `ms`. */
  failFor(ms: number): void {
    this.failingUntil = Date.now() + ms;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
