import net from 'node:net';

/**
 * A loopback TCP proxy a test controls, to make a server (PostgreSQL) unreachable without touching it: `down()` cuts
 * every open connection and refuses new ones (accepted, then reset at once), `up()` forwards again.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private available = true;
  /** Connections refused while down, for the test to show the outage was felt. */
  refused = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.port;
  }

  get port(): number {
    return (this.server!.address() as net.AddressInfo).port;
  }

  down(): void {
    this.available = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  up(): void {
    this.available = true;
  }

  async stop(): Promise<void> {
    this.down();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (!this.available) {
      this.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
