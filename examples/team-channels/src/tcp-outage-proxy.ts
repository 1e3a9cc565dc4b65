import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server (here Redis), for outages that other users of
 * that server do not see: {@link cut} resets every connection through it and resets each new one
 * as soon as it is accepted, as a dead server behind a load balancer would; {@link restore} passes
 * traffic through again. It keeps listening on the same port throughout.
 */
export class TcpOutageProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #down = false;

  constructor(target: { host: string; port: number }) {
    this.#target = { ...target };
  }

  /** `host:port` of the proxy once started. */
  get address(): { host: string; port: number } {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (address === undefined || address === null) throw new Error('TcpOutageProxy is not started');
    return { host: address.address, port: address.port };
  }

  get down(): boolean {
    return this.#down;
  }

  /** Listen on 127.0.0.1, port 0 (a free port). */
  async start(): Promise<void> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
  }

  /** The outage: reset every open connection, and every new one from now on. */
  cut(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
  }

  /** End the outage: new connections reach the target again. */
  restore(): void {
    this.#down = false;
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#down || this.#server === undefined) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(this.#target);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.#sockets.delete(a);
        b.destroy();
      });
    }
  }
}
