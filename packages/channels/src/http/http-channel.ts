import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, createLimitedServer, deadline, EventEmitter, parseRetryAfterMs, type Disposable, type Event } from '@rampart/core';
import { linkSignals, redactString, redactUrl } from '@rampart/core/internal';
import type { Channel, ChannelHealth, MessageHandler } from '../channel.js';
import type { ChannelHandlerError } from '../channel-handler-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { HttpSendError, type HttpSendFailure } from '../errors/http-send-error.js';
import { RecipientUnavailableError } from '../errors/recipient-unavailable-error.js';
import type { ChannelMessage } from '../message.js';
import { wireCopy } from '../parse-message.js';
import { DeliveryQueue } from './delivery-queue.js';
import { checkPeerUrl, resolveHttpChannelOptions, type HttpChannelOptions, type HttpPeers, type ResolvedHttpChannelOptions } from './http-channel-options.js';
import { createInboxListener, HEALTH_PATH, MESSAGES_PATH } from './http-inbox-server.js';
import { peerErrorText, readSnippet } from './read-snippet.js';

/** Why a request's signal fired, when it was not the caller's signal. */
const TIMED_OUT = Symbol('timed out');
const CLOSED = Symbol('closed');

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * A channel over HTTP (seed 000's HTTPProtocol): a node:http server receives the local team's
 * messages at `POST /rampart/v1/messages` and answers 202 once a message is queued for the
 * handler (in arrival order, in process; the sender does not wait for the handler); `send` POSTs
 * to the recipient team's server with global fetch and resolves on a 2xx. With `token`, every
 * message carries `Authorization: Bearer <token>` and the server requires it.
 * `GET /rampart/v1/health` answers `{ team, status: 'pass' }` to anyone.
 */
export class HttpChannel implements Channel {
  readonly kind = 'http' as const;
  readonly options: ResolvedHttpChannelOptions;
  readonly #peers: HttpPeers;
  readonly #token: string | undefined;
  readonly #handlerErrors = new EventEmitter<ChannelHandlerError>();
  readonly #queue = new DeliveryQueue((message, error) => this.#handlerErrors.fire({ kind: this.kind, team: this.team, message, error }));
  /** Aborted by close(): every send in flight listens to it at once (each removes its listener when it settles). */
  readonly #closing = unlimitedListeners(new AbortController());
  #handler: MessageHandler | undefined;
  #server: Server | undefined;
  #started: Promise<void> | undefined;
  #url: string | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: HttpChannelOptions) {
    this.options = resolveHttpChannelOptions(options);
    const peers = options.peers ?? {};
    this.#peers = typeof peers === 'function' ? peers : Object.freeze({ ...peers });
    this.#token = options.token;
  }

  get team(): string {
    return this.options.team;
  }

  /** This channel's base URL once started (`http://127.0.0.1:PORT`, the port actually bound); undefined before. */
  get url(): string | undefined {
    return this.#url;
  }

  /** Messages accepted (answered 202) and not yet handed to the handler. */
  get queuedMessages(): number {
    return this.#queue.size;
  }

  /** Fires when the handler throws or rejects for a message. */
  get onHandlerError(): Event<ChannelHandlerError> {
    return this.#handlerErrors.event;
  }

  /** Listen on `listen.host`/`listen.port`. Idempotent; a failed start may be retried; rejects after `close()`. */
  start(): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(new ChannelClosedError(this.kind, this.team));
    this.#started ??= this.#listen().catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  async #listen(): Promise<void> {
    const server = createLimitedServer(
      this.options.serverLimits,
      createInboxListener({
        team: this.team,
        token: this.#token,
        maxBodyBytes: this.options.maxBodyBytes,
        accept: (message) => {
          if (this.#closed !== undefined) return 'closing';
          if (!this.#queue.accepting) return 'no-handler';
          if (this.#queue.size >= this.options.maxQueuedMessages) return 'full';
          this.#queue.push(message);
          return undefined;
        },
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    const { address, port } = server.address() as AddressInfo;
    this.#url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /**
   * Register the handler (one per channel; a second throws a ConfigError). Without one the server
   * answers 503. Disposing it stops accepting; messages already accepted still reach it.
   */
  onMessage(handler: MessageHandler): Disposable {
    if (typeof handler !== 'function') throw new ConfigError('HttpChannel.onMessage', 'must be a function', typeof handler);
    if (this.#handler !== undefined) throw new ConfigError('HttpChannel.onMessage', `the http channel of team "${this.team}" already has a handler`, this.team);
    this.#handler = handler;
    this.#queue.setHandler(handler);
    return {
      dispose: () => {
        if (this.#handler !== handler) return;
        this.#handler = undefined;
        this.#queue.release(handler);
      },
    };
  }

  /**
   * The URL a message to `team` is posted to. Throws {@link RecipientUnavailableError} for a team
   * without a peer URL, and a ConfigError (URL redacted) when a `peers` function returns a bad one.
   */
  peerUrl(team: string): URL {
    const peers = this.#peers;
    const base = typeof peers === 'function' ? peers(team) : Object.hasOwn(peers, team) ? peers[team] : undefined;
    if (base === undefined) throw new RecipientUnavailableError(this.kind, team, 'not_open');
    const url = checkPeerUrl(base);
    if (typeof url === 'string') throw new ConfigError(`HttpChannel.peers(${team})`, url, typeof base === 'string' ? redactUrl(base) : typeof base);
    url.pathname = url.pathname.replace(/\/+$/, '') + MESSAGES_PATH;
    return url;
  }

  /**
   * POST a validated copy of `message` to its recipient's channel; resolves on a 2xx. Rejects with
   * {@link ChannelClosedError} (not started, or closed before the answer), InvalidMessageError,
   * {@link RecipientUnavailableError} (no peer URL), {@link HttpSendError} (another status, a
   * network error, no answer within `timeoutMs`), or the reason of `options.signal`.
   */
  async send(message: ChannelMessage, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#url === undefined || this.#closed !== undefined) throw new ChannelClosedError(this.kind, this.team);
    const copy = wireCopy(message);
    const url = this.peerUrl(copy.recipient);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    const res = await this.#request(url, copy.recipient, { method: 'POST', headers, body: JSON.stringify(copy) }, options.signal);
    if (res.status >= 200 && res.status < 300) return;
    throw new HttpSendError({
      reason: 'status',
      recipient: copy.recipient,
      url: redactUrl(url),
      status: res.status,
      peerError: peerErrorText(res.body, this.#token),
      retryAfterMs: parseRetryAfterMs(res.headers),
    });
  }

  /** One request under `timeoutMs` (on the clock), the caller's signal and `close()`; reads up to 2 KiB of the answer. */
  async #request(url: URL, recipient: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Answer> {
    const failure = (reason: HttpSendFailure, cause?: unknown) => new HttpSendError({ reason, recipient, url: redactUrl(url), timeoutMs: this.options.timeoutMs, cause });
    signal?.throwIfAborted();
    if (this.#closing.signal.aborted) throw new ChannelClosedError(this.kind, this.team);
    const limit = deadline(this.options.clock, this.options.timeoutMs, { error: () => TIMED_OUT });
    const link = linkSignals(signal, limit.signal, this.#closing.signal);
    try {
      const res = await fetch(url, { ...init, signal: link.signal, redirect: 'manual' });
      return { status: res.status, headers: res.headers, body: await readSnippet(res) };
    } catch (error) {
      if (!link.signal.aborted) throw failure('network', error);
      if (link.signal.reason === TIMED_OUT) throw failure('timeout');
      if (link.signal.reason === CLOSED) throw new ChannelClosedError(this.kind, this.team);
      throw signal?.reason ?? error;
    } finally {
      limit.dispose();
      link.dispose();
    }
  }

  /** Whether `team`'s channel answers `GET /rampart/v1/health` (under `timeoutMs`). Never throws. */
  async peerHealth(team: string, signal?: AbortSignal): Promise<ChannelHealth> {
    let url: URL;
    try {
      url = this.peerUrl(team);
    } catch (error) {
      return { healthy: false, error: redactString((error as Error).message) };
    }
    url.pathname = url.pathname.slice(0, -MESSAGES_PATH.length) + HEALTH_PATH;
    return this.#probe(url, team, signal);
  }

  /**
   * Healthy when this channel's own server answers `GET /rampart/v1/health` through its listening
   * socket (a real loopback round trip). Peers are not probed here: see {@link peerHealth}.
   */
  async healthCheck(signal?: AbortSignal): Promise<ChannelHealth> {
    const details = { team: this.team, url: this.#url, queuedMessages: this.#queue.size, receiving: this.#queue.accepting, tokenRequired: this.options.tokenRequired };
    if (this.#closed !== undefined) return { healthy: false, error: 'closed', details };
    if (this.#url === undefined) return { healthy: false, error: 'not started', details };
    return { ...(await this.#probe(new URL(HEALTH_PATH, this.#url), this.team, signal)), details };
  }

  async #probe(url: URL, team: string, signal: AbortSignal | undefined): Promise<ChannelHealth> {
    const { clock } = this.options;
    const started = clock.now();
    try {
      const res = await this.#request(url, team, { method: 'GET', headers: { accept: 'application/health+json' } }, signal);
      const latencyMs = clock.now() - started;
      let status: unknown;
      try {
        status = (JSON.parse(res.body) as { status?: unknown }).status;
      } catch {
        status = undefined;
      }
      if (res.status === 200 && status === 'pass') return { healthy: true, latencyMs };
      return { healthy: false, latencyMs, error: `health answered HTTP ${res.status}, status ${String(status)}` };
    } catch (error) {
      return { healthy: false, error: redactString(error instanceof Error ? error.message : String(error)) };
    }
  }

  /**
   * Stop listening, close every connection (kept-alive ones too), abort requests in flight, and
   * wait until the messages already accepted (answered 202) have been handed to the handler and
   * its calls have settled. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing.abort(CLOSED);
    await this.#started?.catch(() => undefined);
    const server = this.#server;
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await this.#queue.idle();
  }
}

/** A signal many in-flight calls listen to at once: more than Node's default 10 is normal, not a leak. */
function unlimitedListeners(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
