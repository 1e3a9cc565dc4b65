import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { systemClock, type Clock } from '@rampart/core';
import type { ResolvedMcpServer } from '../endpoint/mcp-server-config.js';
import { McpServerError } from '../errors/mcp-server-error.js';

/** Options of {@link McpConnection}. */
export interface McpConnectionOptions {
  /** Names the server in errors: a monitor name or a qualified provider (`supabase/primary`). */
  label: string;
  /** Sent to the server in `initialize`. Default `{ name: 'rampart', version: '1.0.0' }`. */
  clientInfo?: { name: string; version: string };
  clock?: Clock;
}

/** Options of one {@link McpConnection.request}. */
export interface McpRequestOptions {
  /** Budget for connecting (when needed) plus the request, in ms. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Result of one {@link McpConnection.request}. */
export interface McpRequestResult<T> {
  value: T;
  /** The connection was (re)established for this request. */
  fresh: boolean;
}

interface Session {
  client: Client;
  ready: Promise<void>;
  connected: boolean;
  /** The transport reported a lost stream: reconnect on the next request. */
  stale: boolean;
  stderrTail: string;
}

/** Errors of the HTTP transport that mean its server-sent-event stream died with the server. */
const LOST_STREAM = /SSE stream disconnected|Maximum reconnection attempts/;
const STDERR_TAIL_CHARS = 512;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Resolve/reject like `promise`, or reject with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * One lazily connected SDK `Client` to one MCP server, reconnecting after the server died. Concurrent
 * requests share one connection attempt. A request that fails because the connection broke (process
 * exited, connection refused, session lost) drops the connection, so the next request reconnects;
 * every failure is thrown as an {@link McpServerError} carrying its classification.
 */
export class McpConnection {
  readonly server: ResolvedMcpServer;
  readonly label: string;
  readonly #clientInfo: { name: string; version: string };
  readonly #clock: Clock;
  #session: Session | undefined;
  #closed = false;

  constructor(server: ResolvedMcpServer, options: McpConnectionOptions) {
    this.server = server;
    this.label = options.label;
    this.#clientInfo = { ...(options.clientInfo ?? { name: 'rampart', version: '1.0.0' }) };
    this.#clock = options.clock ?? systemClock;
  }

  /** True while a connection is established and not known to be broken. */
  get connected(): boolean {
    return this.#session?.connected === true && !this.#session.stale;
  }

  /** Capabilities the server announced when the current connection was made. */
  get serverCapabilities(): ServerCapabilities | undefined {
    return this.connected ? this.#session!.client.getServerCapabilities() : undefined;
  }

  /**
   * Run `fn` with a connected client (connecting first when needed), within `timeoutMs` in total.
   * Aborting `signal` rejects with its reason; the connection survives a caller's abort.
   */
  async request<T>(
    operation: string,
    fn: (client: Client, options: RequestOptions) => Promise<T>,
    options: McpRequestOptions,
  ): Promise<McpRequestResult<T>> {
    const { signal } = options;
    if (signal?.aborted) throw abortReason(signal);
    const started = this.#clock.now();
    const { session, fresh } = await this.#connected(options);
    const remainingMs = Math.max(1, options.timeoutMs - (this.#clock.now() - started));
    const requestOptions: RequestOptions = signal ? { timeout: remainingMs, signal } : { timeout: remainingMs };
    try {
      return { value: await raceAbort(fn(session.client, requestOptions), signal), fresh };
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const failure = new McpServerError(error, { server: this.label, operation, redactor: this.server.redactor });
      if (failure.connectionBroken) await this.#drop(session);
      throw failure;
    }
  }

  /** Drop the current connection (stops a stdio server process); the next request reconnects. */
  async reset(): Promise<void> {
    if (this.#session) await this.#drop(this.#session);
  }

  /** Close the connection for good; later requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.reset();
  }

  #throwIfClosed(): void {
    if (!this.#closed) return;
    throw new McpServerError(new McpError(ErrorCode.InvalidRequest, 'the connection was closed by its owner'), {
      server: this.label,
      operation: 'connect',
      redactor: this.server.redactor,
    });
  }

  async #connected(options: McpRequestOptions): Promise<{ session: Session; fresh: boolean }> {
    this.#throwIfClosed();
    let session = this.#session;
    if (session?.stale) {
      await this.#drop(session);
      session = this.#session;
      this.#throwIfClosed(); // closed while the stale connection was dropped
    }
    const fresh = !session?.connected;
    session ??= this.#connect(options.timeoutMs);
    await raceAbort(session.ready, options.signal);
    return { session, fresh };
  }

  #connect(timeoutMs: number): Session {
    const transport = this.#transport();
    const client = new Client(this.#clientInfo, { capabilities: {} });
    const session: Session = { client, ready: Promise.resolve(), connected: false, stale: false, stderrTail: '' };
    if (transport instanceof StdioClientTransport) {
      transport.stderr?.on('data', (chunk: Buffer) => {
        session.stderrTail = (session.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
      });
    }
    client.onclose = () => {
      session.connected = false;
      if (this.#session === session) this.#session = undefined;
    };
    client.onerror = (error) => {
      if (LOST_STREAM.test(error.message)) session.stale = true;
    };
    session.ready = client.connect(transport, { timeout: timeoutMs }).then(
      () => {
        session.connected = true;
      },
      async (error: unknown) => {
        if (this.#session === session) this.#session = undefined;
        await client.close().catch(() => undefined);
        const stderr = session.stderrTail.trim().split('\n').at(-1);
        throw new McpServerError(error, {
          server: this.label,
          operation: 'connect',
          redactor: this.server.redactor,
          ...(stderr ? { detail: `stderr: ${stderr}` } : {}),
        });
      },
    );
    // a connection attempt nobody awaits any more must not surface as an unhandled rejection
    session.ready.catch(() => undefined);
    this.#session = session;
    return session;
  }

  #transport(): Transport {
    const server = this.server;
    if (server.transport === 'stdio') {
      return new StdioClientTransport({
        command: server.command,
        args: [...server.args],
        ...(server.env ? { env: { ...server.env } } : {}),
        ...(server.cwd ? { cwd: server.cwd } : {}),
        stderr: 'pipe',
      });
    }
    return new StreamableHTTPClientTransport(server.url, {
      requestInit: { headers: { ...server.headers } },
      // Rampart decides about reconnecting: a lost event stream marks the connection stale instead
      // of the transport retrying on its own timers.
      reconnectionOptions: {
        maxRetries: 0,
        initialReconnectionDelay: 1_000,
        maxReconnectionDelay: 1_000,
        reconnectionDelayGrowFactor: 1,
      },
    });
  }

  async #drop(session: Session): Promise<void> {
    session.connected = false;
    if (this.#session === session) this.#session = undefined;
    await session.client.close().catch(() => undefined);
  }
}
