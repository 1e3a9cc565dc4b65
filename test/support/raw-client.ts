// Test support (not a test file): raw TCP clients for driving an HTTP server the way a slow or
// greedy client would (a partial header, a trickling body, idle connections). Imported by the tests
// of every package by relative path.
import { connect, type Socket } from 'node:net';

/** A raw loopback connection to an HTTP server. */
export interface RawClient {
  readonly socket: Socket;
  /** Settles once the socket has closed, whichever side closed it. */
  readonly closed: Promise<void>;
  /** Whether the socket has closed. */
  isClosed(): boolean;
  /** Everything the server has sent so far. */
  received(): string;
  /** Write `text` (nothing once closed). */
  write(text: string): void;
  /** Write `text` one byte every `everyMs` until it is all sent or the socket closes. */
  trickle(text: string, everyMs: number): void;
  /** Resolves once the server has sent a whole response head and `content-length` bytes of body. */
  response(): Promise<string>;
}

/** Opens raw clients and closes whatever is left of them in {@link RawClients.destroyAll}. */
export class RawClients {
  readonly #open = new Set<RawClient>();

  /** Connect to `url`'s host and port; resolves once the TCP connection is up. */
  async connect(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    let data = '';
    let isClosed = false;
    let trickling: NodeJS.Timeout | undefined;
    const waiting = new Set<() => void>();
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      for (const check of waiting) check();
    });
    socket.on('error', () => undefined); // a server that resets the connection closes it too
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        isClosed = true;
        clearInterval(trickling);
        for (const check of waiting) check();
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client: RawClient = {
      socket,
      closed,
      isClosed: () => isClosed,
      received: () => data,
      write: (text) => {
        if (!isClosed && socket.writable) socket.write(text, 'latin1');
      },
      trickle: (text, everyMs) => {
        let i = 0;
        trickling = setInterval(() => {
          if (i >= text.length) return clearInterval(trickling);
          client.write(text[i++]!);
        }, everyMs);
      },
      response: () =>
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const end = data.indexOf('\r\n\r\n');
            const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data)?.[1] ?? 0);
            if (end >= 0 && data.length >= end + 4 + length) {
              waiting.delete(check);
              resolve(data.slice(0, end + 4 + length));
            } else if (isClosed) {
              waiting.delete(check);
              reject(new Error(`closed before a whole response; got ${JSON.stringify(data)}`));
            }
          };
          waiting.add(check);
          check();
        }),
    };
    this.#open.add(client);
    void closed.then(() => this.#open.delete(client));
    return client;
  }

  /** The status a new client gets for `request`, or undefined when it is closed unanswered. */
  async served(url: string, request: string): Promise<number | undefined> {
    const client = await this.connect(url);
    client.write(request);
    return client.response().then(statusOf, () => undefined);
  }

  /**
   * Clients at every stage a closing server must let go of: a partial head, a body trickling after
   * `bodyHead` (which declares 500 bytes), an idle kept-alive one that was answered `request`, and
   * a silent one.
   */
  async atEveryStage(url: string, requests: { partialHead: string; bodyHead: string; request: string }): Promise<RawClient[]> {
    const partial = await this.connect(url);
    partial.write(requests.partialHead);
    const trickling = await this.connect(url);
    trickling.write(`${requests.bodyHead}Content-Length: 500\r\n\r\n`);
    trickling.trickle('x'.repeat(500), 20);
    const idle = await this.connect(url);
    idle.write(requests.request);
    await idle.response();
    return [partial, trickling, idle, await this.connect(url)];
  }

  /**
   * With a server capped at two connections: a third is closed unanswered as it arrives, the first
   * two are still served `request`, and once one leaves (the server sees it a moment after the
   * client) a new one is served. Resolves with what the third, the two, and the newcomer got.
   */
  async overCapOfTwo(url: string, request: string): Promise<{ third: string; earlier: Array<number | undefined>; newcomer: number | undefined }> {
    const first = await this.connect(url);
    const second = await this.connect(url);
    const third = await this.connect(url);
    await third.closed;
    const earlier: Array<number | undefined> = [];
    for (const client of [first, second]) {
      client.write(request);
      earlier.push(statusOf(await client.response()));
    }
    first.socket.destroy();
    let newcomer: number | undefined;
    for (let attempt = 0; attempt < 50 && newcomer === undefined; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      newcomer = await this.served(url, request);
    }
    return { third: third.received(), earlier, newcomer };
  }

  /** Destroy every client still open. */
  async destroyAll(): Promise<void> {
    const left = [...this.#open];
    for (const client of left) client.socket.destroy();
    await Promise.all(left.map((c) => c.closed));
  }
}

/** How many handles of each kind keep the event loop alive: TCP sockets and servers, and ref'd timers. */
export function activeHandles(): { tcp: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return { tcp: info.filter((r) => r.startsWith('TCP')).length, timers: info.filter((r) => r === 'Timeout').length };
}

/** The status of the answer `client` got before it was closed (undefined: closed unanswered). */
export async function closedWith(client: RawClient): Promise<number | undefined> {
  await client.closed;
  return statusOf(client.received());
}

/** The status line's code of a raw response (`HTTP/1.1 408 Request Timeout` → 408), or undefined. */
export function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(response);
  return match ? Number(match[1]) : undefined;
}
