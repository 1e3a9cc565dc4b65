import { createServer, type RequestListener, type Server } from 'node:http';
import { optionsObject, positiveInt } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';

/**
 * Bounds a node:http server puts on its clients, so a slow or greedy one (a partial header, a body
 * trickling a byte at a time, thousands of idle connections) is closed instead of held.
 */
export interface ServerLimitsOptions {
  /** Time a client has to send a request's complete head (request line and headers), ms; then 408 and closed. Default 10 000. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, head and body, ms; then 408 and closed. At least `headersTimeoutMs`. Default 30 000. */
  requestTimeoutMs?: number;
  /** How long an idle kept-alive connection stays open, ms (node:http adds 1 s). Default 5 000. */
  keepAliveTimeoutMs?: number;
  /** Open connections at most; a connection beyond it is closed as it arrives. Default 256 (`serveHealth`: 64). */
  maxConnections?: number;
  /** Largest request head, bytes; a larger one gets 431 and is closed. Default 16 384. */
  maxHeaderBytes?: number;
}

/** {@link ServerLimitsOptions} after validation. */
export interface ServerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxHeaderBytes: number;
}

/** The largest delay a node timer takes; longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function durationMs(path: string, value: unknown): number {
  const ms = positiveInt(path, value);
  if (ms > MAX_TIMER_MS) throw new ConfigError(path, `must be at most ${MAX_TIMER_MS}, got ${ms}`, value);
  return ms;
}

/**
 * Validate the limits in `options` (keys under `path`, e.g. `HttpChannel.listen`) and resolve
 * defaults into a new frozen object (`maxConnections` from `defaults`, 256 unless given). Throws
 * ConfigError naming the bad option.
 */
export function resolveServerLimits(path: string, options: ServerLimitsOptions = {}, defaults: { maxConnections: number } = { maxConnections: 256 }): ServerLimits {
  const o = optionsObject(path, options) as Record<keyof ServerLimitsOptions, unknown>;
  const or = (value: unknown, fallback: number) => (value === undefined ? fallback : value);
  const headersTimeoutMs = durationMs(`${path}.headersTimeoutMs`, or(o.headersTimeoutMs, 10_000));
  const requestTimeoutMs = durationMs(`${path}.requestTimeoutMs`, or(o.requestTimeoutMs, Math.max(30_000, headersTimeoutMs)));
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`${path}.headersTimeoutMs`, `must not exceed requestTimeoutMs (${requestTimeoutMs}), got ${headersTimeoutMs}`, headersTimeoutMs);
  }
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: durationMs(`${path}.keepAliveTimeoutMs`, or(o.keepAliveTimeoutMs, 5_000)),
    maxConnections: positiveInt(`${path}.maxConnections`, or(o.maxConnections, defaults.maxConnections)),
    maxHeaderBytes: positiveInt(`${path}.maxHeaderBytes`, or(o.maxHeaderBytes, 16_384)),
  });
}

/**
 * How often node:http checks its connections against the header and request timeouts (its
 * `connectionsCheckingInterval`, 30 s by default): a quarter of the header timeout, at most 1 s.
 * A timeout therefore closes its connection within `timeout + min(headersTimeoutMs / 4, 1 000)` ms.
 */
export function connectionsCheckingIntervalMs(limits: ServerLimits): number {
  return Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4));
}

/**
 * A node:http server with `limits` applied: header and whole-request timeouts (408, then closed),
 * the keep-alive timeout, the largest head, and the connection cap. Node's own checking interval
 * is `unref()`ed and stops with `server.close()`.
 */
export function createLimitedServer(limits: ServerLimits, listener: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(limits),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
