// A loopback port in front of the mock server that can stop listening and come back on the same port,
// the way a provider's endpoint refuses connections while its load balancer has no healthy backend.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class PortGate {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(private readonly targetPort: number) {}

  /** Listen on a spare loopback port and forward every connection to `targetPort`. */
  static async open(targetPort: number): Promise<PortGate> {
    const gate = new PortGate(targetPort);
    await gate.listen();
    return gate;
  }

  /** The base URL of `url` (the mock server's) with the gate's port instead. */
  through(url: string): string {
    const u = new URL(url);
    u.port = String(this.port);
    return u.toString().replace(/\/$/, '');
  }

  /** Stop listening and cut every open connection: new connections are refused (ECONNREFUSED). */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listen again on the same port. */
  async listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  close(): Promise<void> {
    return this.refuse();
  }
}
