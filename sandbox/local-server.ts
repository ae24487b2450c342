import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Start, stop and address of a local API test server on loopback; subclasses answer the requests. */
export abstract class LocalApiServer {
  private server?: Server;
  private port: number;
  protected readonly host: string;

  protected constructor(opts: { port?: number; host?: string }, private readonly label: string) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
  }

  protected abstract serve(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Clients keep connections alive; without this, close() waits for them to time out.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    if (!this.server) throw new Error(`${this.label} is not started`);
    return `http://${this.host}:${this.port}`;
  }
}

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
