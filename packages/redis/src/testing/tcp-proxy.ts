// Test support (not a test file): a loopback TCP proxy in front of a server, which a fault test can
// cut (every connection dropped, new ones refused) and restore, without touching the server.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port.js';

/** Forwards 127.0.0.1:`port` to 127.0.0.1:`targetPort` while open. */
export class TcpProxy {
  readonly port: number;
  readonly targetPort: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  private constructor(port: number, targetPort: number) {
    this.port = port;
    this.targetPort = targetPort;
  }

  /** A proxy on a spare port, listening. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), targetPort);
    await proxy.restore();
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Whether it forwards (between {@link restore} and {@link cut}). */
  get open(): boolean {
    return this.#server !== undefined;
  }

  /** Destroy every connection through it and stop listening: clients see a reset, then refused connections. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listen again on the same port. */
  async restore(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.#track(client);
      this.#track(upstream);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Same as {@link cut}: nothing left open. */
  close(): Promise<void> {
    return this.cut();
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
