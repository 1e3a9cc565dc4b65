// Test support: an upstream that honours idempotency keys (as Stripe's Idempotency-Key does), on a
// loopback HTTP port of the test's own. It records every delivery (key, replica, when it started and
// ended, whether its answer was sent or the connection dropped first) and executes once per key: a
// repeated key gets the stored result of the first execution (awaiting it if it is still running).
import { createServer, type Server } from 'node:http';

/** One request reaching the upstream. */
export interface Delivery {
  readonly key: string;
  readonly replica: string;
  readonly start: number;
  /** `performance.now()` when its answer was sent or its connection dropped; undefined while open. */
  end: number | undefined;
  /** Whether the answer was sent before the connection dropped. */
  answered: boolean;
}

/** POST /send with headers `idempotency-key` and `x-replica`, body `n`: answers `sent-<n>` after `workMs`. */
export class IdempotentUpstream {
  readonly deliveries: Delivery[] = [];
  /** Executions per key (the side effect: must be 1 each). */
  readonly executions = new Map<string, number>();
  readonly #results = new Map<string, Promise<string>>();
  readonly #server: Server;
  readonly #workMs: number;

  private constructor(server: Server, workMs: number) {
    this.#server = server;
    this.#workMs = workMs;
  }

  static async start(workMs = 40): Promise<IdempotentUpstream> {
    const server = createServer();
    const upstream = new IdempotentUpstream(server, workMs);
    server.on('request', (req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (t: string) => (body += t));
      req.on('end', () => {
        const delivery: Delivery = { key: String(req.headers['idempotency-key']), replica: String(req.headers['x-replica']), start: performance.now(), end: undefined, answered: false };
        upstream.deliveries.push(delivery);
        res.on('close', () => (delivery.end ??= performance.now()));
        void upstream.#execute(delivery.key, body).then((result) => {
          if (res.destroyed) return;
          delivery.answered = true;
          delivery.end = performance.now();
          res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(result);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    const address = this.#server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/send`;
  }

  /** The delivery `replica` has open now, if any. */
  inFlight(replica: string): Delivery | undefined {
    return this.deliveries.find((d) => d.replica === replica && d.end === undefined);
  }

  /** Keys delivered more than once, with their deliveries. */
  repeated(): Map<string, Delivery[]> {
    const byKey = new Map<string, Delivery[]>();
    for (const d of this.deliveries) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
    return new Map([...byKey].filter(([, ds]) => ds.length > 1));
  }

  /** Pairs of deliveries of one key that were open at the same time (at most one replica at a time: none). */
  overlaps(): Array<[Delivery, Delivery]> {
    const out: Array<[Delivery, Delivery]> = [];
    for (const ds of this.repeated().values()) {
      const sorted = [...ds].sort((x, y) => x.start - y.start);
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1]!;
        if (prev.end === undefined || sorted[i]!.start < prev.end) out.push([prev, sorted[i]!]);
      }
    }
    return out;
  }

  /** Wait for running executions, then close (dropping any open connection). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#results.values());
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #execute(key: string, body: string): Promise<string> {
    let result = this.#results.get(key);
    if (result === undefined) {
      this.executions.set(key, (this.executions.get(key) ?? 0) + 1);
      result = new Promise((resolve) => setTimeout(() => resolve(`sent-${body}`), this.#workMs));
      this.#results.set(key, result);
    }
    return result;
  }
}
