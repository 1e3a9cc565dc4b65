import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock/clock.js';
import type { OptionKeys } from '../config/known-keys.js';
import { clockOption, nonEmptyString, nonNegativeInt, optionsObject } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { createLimitedServer, resolveServerLimits, type ServerLimitsOptions } from '../server/server-limits.js';
import { toHealthCheckResponse, type HealthCheckMeta } from './health-check-response.js';
import type { HealthReport } from './health-report.js';
import { redactString } from './redact.js';

/** Anything with a health report: a `ResilienceManager`, or your own. */
export interface HealthReportSource {
  /** Read before the report, when present, so `?team=` skips the sources it does not ask for. */
  readonly team?: string;
  getHealthReport(): HealthReport | PromiseLike<HealthReport>;
}

/** One source, or several (several teams in one process). */
export type HealthSource = HealthReportSource | readonly HealthReportSource[];

/** A node:http request listener (also usable as an express handler, or with fastify's `request.raw`/`reply.raw`). */
export type HealthRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Service-level fields of the response (draft-inadarei-api-health-check; each optional, non-empty), and a clock. */
export interface HealthHandlerOptions extends HealthCheckMeta {
  /** Time source for the `time` of a failed report's check. Default `systemClock`. */
  clock?: Clock;
}

/**
 * Where and how {@link serveHealth} listens. The server limits (`headersTimeoutMs` 10 000,
 * `requestTimeoutMs` 30 000, `keepAliveTimeoutMs` 5 000, `maxConnections` 64, `maxHeaderBytes`
 * 16 384) close slow and surplus clients: see {@link ServerLimitsOptions}.
 */
export interface ServeHealthOptions extends HealthHandlerOptions, ServerLimitsOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** The endpoint's path; other paths answer 404. Default `/health`. */
  path?: string;
}

/** A running health server. */
export interface HealthServer {
  /** The endpoint's URL, e.g. `http://127.0.0.1:41235/health`. */
  readonly url: string;
  /** Stop listening and close every connection, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/health+json';

function resolveSources(path: string, source: unknown): readonly HealthReportSource[] {
  const list = Array.isArray(source) ? source : [source];
  if (list.length === 0) throw new ConfigError(path, 'must name at least one source', source);
  list.forEach((s, i) => {
    if (typeof (s as Partial<HealthReportSource> | null)?.getHealthReport !== 'function') {
      throw new ConfigError(Array.isArray(source) ? `${path}[${i}]` : path, 'must have a getHealthReport() method (a ResilienceManager)', typeof s);
    }
  });
  return Object.freeze([...list] as HealthReportSource[]);
}

/** Every option of {@link HealthHandlerOptions}: any other key is a ConfigError. */
const HANDLER_KEYS: OptionKeys<HealthHandlerOptions> = { version: true, releaseId: true, serviceId: true, description: true, clock: true };

/** Every option of {@link ServeHealthOptions}: any other key is a ConfigError. */
const SERVE_KEYS: OptionKeys<ServeHealthOptions> = {
  ...HANDLER_KEYS, host: true, port: true, path: true,
  headersTimeoutMs: true, requestTimeoutMs: true, keepAliveTimeoutMs: true, maxConnections: true, maxHeaderBytes: true,
};

interface ResolvedHandlerOptions {
  readonly meta: Readonly<HealthCheckMeta>;
  readonly clock: Clock;
}

function resolveHandlerOptions(path: string, options: HealthHandlerOptions | undefined): ResolvedHandlerOptions {
  const o = optionsObject(path, options, HANDLER_KEYS);
  const meta: HealthCheckMeta = {};
  for (const key of ['version', 'releaseId', 'serviceId', 'description'] as const) {
    if (o[key] !== undefined) meta[key] = nonEmptyString(`${path}.${key}`, o[key]);
  }
  return Object.freeze({ meta: Object.freeze(meta), clock: clockOption(`${path}.clock`, o.clock) });
}

/** The request's URL, or undefined when its target does not parse. */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://health.invalid');
  } catch {
    return undefined;
  }
}

/** Whether a request declares a body: a health check never reads one, so its connection is closed after the answer. */
const declaresBody = (req: IncomingMessage | undefined) =>
  req !== undefined && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);

function send(res: ServerResponse, code: number, type: string, body: string, head: boolean, extra: Record<string, string> = {}): void {
  // Without `connection: close`, node:http would read a trickling body to its end before the next request.
  const closing: Record<string, string> = declaresBody(res.req) ? { connection: 'close' } : {};
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...closing, ...extra });
  res.end(head ? undefined : body);
}

async function respond(req: IncomingMessage, res: ServerResponse, sources: readonly HealthReportSource[], o: ResolvedHandlerOptions): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', false, { allow: 'GET, HEAD' });
    return;
  }
  const url = requestUrl(req);
  if (url === undefined) {
    send(res, 400, 'text/plain; charset=utf-8', 'Bad Request\n', head);
    return;
  }
  const wanted = url.searchParams.getAll('team');
  const asked = (team: string | undefined) => wanted.length === 0 || (team !== undefined && wanted.includes(team));
  const chosen = sources.filter((s) => typeof s.team !== 'string' || asked(s.team));
  const settled = await Promise.allSettled(chosen.map(async (s) => s.getHealthReport()));
  const reports: HealthReport[] = [];
  const failures: Array<{ source: string; error: string; time: string }> = [];
  settled.forEach((r, i) => {
    const source = chosen[i]!;
    if (r.status === 'fulfilled') {
      if (asked(r.value.team)) reports.push(r.value);
    } else if (wanted.length === 0 || typeof source.team === 'string') {
      const error = redactString(r.reason instanceof Error ? r.reason.message : String(r.reason));
      failures.push({ source: source.team ?? `source ${sources.indexOf(source)}`, error, time: new Date(o.clock.wallNow()).toISOString() });
    }
  });
  if (wanted.length > 0 && reports.length === 0 && failures.length === 0) {
    send(res, 404, 'application/json', `${JSON.stringify({ error: `no team named ${wanted.join(', ')}` })}\n`, head);
    return;
  }
  const body = toHealthCheckResponse(reports, o.meta, failures);
  send(res, body.status === 'fail' ? 503 : 200, CONTENT_TYPE, JSON.stringify(body), head);
}

/**
 * A request listener answering a health check for `source` (a `ResilienceManager`, several, or
 * anything with `getHealthReport()`), on whatever path it is mounted: GET and HEAD, with
 * `content-type: application/health+json` and `cache-control: no-store`; the body is a
 * {@link HealthCheckResponse} (HTTP 200 for `pass`/`warn`, 503 for `fail`). `?team=<name>`
 * (repeatable) keeps only those teams (404 when none matches); other methods get 405 with `allow`.
 * A request that declares a body is answered with `connection: close`, so a trickling body is not
 * read on. Header and request timeouts and a connection cap are the mounting server's to set
 * ({@link createLimitedServer} sets them). Throws ConfigError for a bad source or option.
 */
export function createHealthHandler(source: HealthSource, options?: HealthHandlerOptions): HealthRequestListener {
  const sources = resolveSources('createHealthHandler.source', source);
  const o = resolveHandlerOptions('createHealthHandler.options', options);
  return (req, res) => {
    respond(req, res, sources, o).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = redactString(error instanceof Error ? error.message : String(error));
      send(res, 500, 'application/json', `${JSON.stringify({ error: message })}\n`, req.method === 'HEAD');
    });
  };
}

/**
 * Serve {@link createHealthHandler} on its own node:http server (loopback and a free port by
 * default). Requests to any other path answer 404. A client slower than `headersTimeoutMs` or
 * `requestTimeoutMs` gets 408 and is closed (within the timeout plus at most 1 s), and connections
 * beyond `maxConnections` are closed as they arrive. Resolves once listening; rejects with the
 * listen error (e.g. EADDRINUSE). Throws ConfigError for a bad source or option.
 */
export async function serveHealth(source: HealthSource, options?: ServeHealthOptions): Promise<HealthServer> {
  const o = optionsObject('serveHealth.options', options, SERVE_KEYS);
  const host = o.host === undefined ? '127.0.0.1' : nonEmptyString('serveHealth.options.host', o.host);
  const port = o.port === undefined ? 0 : nonNegativeInt('serveHealth.options.port', o.port);
  if (port > 65_535) throw new ConfigError('serveHealth.options.port', `must be at most 65535, got ${port}`, port);
  const path = o.path === undefined ? '/health' : nonEmptyString('serveHealth.options.path', o.path);
  if (!path.startsWith('/') || /[?#\s]/.test(path)) throw new ConfigError('serveHealth.options.path', 'must be a path starting with "/" (no query, fragment or space)', path);
  const limits = resolveServerLimits('serveHealth.options', o, { maxConnections: 64 });
  const { version, releaseId, serviceId, description, clock } = o;
  const handler = createHealthHandler(source, { version, releaseId, serviceId, description, clock });
  const server = createLimitedServer(limits, (req, res) => {
    if (requestUrl(req)?.pathname === path) handler(req, res);
    else send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n', req.method === 'HEAD');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return Object.freeze({
    url: `http://${shown}:${address.port}${path}`,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  });
}
