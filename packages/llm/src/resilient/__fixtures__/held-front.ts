import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the front saw of one request: whether the client gave up on it before its answer was sent. */
export interface FrontRequest {
  cancelled: boolean;
  answered: boolean;
}

/**
 * An HTTP front for a provider of the mock server that holds the requests `hold(i)` says (the i-th
 * request, from 0) for that many ms before passing them on, and records each request the client
 * cancelled (closed before its answer): what a provider in a brownout sees of a hedge's loser.
 */
export class HeldFront {
  readonly requests: FrontRequest[] = [];
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly target: string,
    readonly hold: (i: number) => number,
  ) {}

  /** Start listening; returns the base URL to give the SDK (`…/v1`). */
  async open(): Promise<string> {
    const server = createServer((req, res) => this.#forward(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const record: FrontRequest = { cancelled: false, answered: false };
    const holdMs = this.hold(this.requests.length);
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.cancelled = true;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        if (record.cancelled) return;
        const upstream = httpRequest(`${this.target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
          record.answered = true;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      }, holdMs);
      this.#timers.add(t);
    });
  }
}
