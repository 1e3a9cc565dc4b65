import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The fault controls that wire-protocol test servers share (`FakeDockerEngine`,
 * `FakeKubeApiServer`): hold answers until released, count and drop client connections, and
 * listen/stop a server so that a stopped one leaves no socket open.
 */
export class HeldServer {
  readonly #sockets = new Set<Socket>();
  readonly #held: Array<() => void> = [];
  #holding = false;

  /** From now on, requests get no answer until {@link release} (or until the client gives up). */
  hold(): void {
    this.#holding = true;
  }

  /** Answer held requests and stop holding. */
  release(): void {
    this.#holding = false;
    for (const answer of this.#held.splice(0)) answer();
  }

  /** Number of requests currently held. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Client connections currently open (kept-alive sockets included). */
  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** Run `answer` now, or keep it for {@link release} while holding. */
  answer(answer: () => void): void {
    if (this.#holding) this.#held.push(answer);
    else answer();
  }

  /** Listen (`server.listen(...args)`), tracking every connection (`secureConnection` for TLS). */
  async listen(server: Server, connectionEvent: 'connection' | 'secureConnection', ...args: unknown[]): Promise<void> {
    server.on(connectionEvent, (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      (server.listen as (...a: unknown[]) => Server)(...args, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** Forget held answers, destroy every open connection and close the server. */
  async stop(server: Server): Promise<void> {
    this.#held.splice(0);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    server.closeAllConnections();
    await closed;
  }
}
