import { ConfigError, resolveServerLimits, type Clock, type ServerLimits, type ServerLimitsOptions } from '@rampart/core';
import { clockOption, nonEmptyString, optionsObject, positiveInt, redactUrl, type OptionKeys } from '@rampart/core/internal';
import { teamOption } from '../validate-options.js';

/** Where a team's HTTP channel listens: a map of team → base URL, or a function (undefined: unknown team). */
export type HttpPeers = Readonly<Record<string, string>> | ((team: string) => string | undefined);

/** Options of {@link HttpChannel}. */
export interface HttpChannelOptions {
  /** The local team: messages addressed to it are accepted. */
  team: string;
  /**
   * Where the server listens, default `{ host: '127.0.0.1', port: 0 }` (a free port; read `channel.url`),
   * and its limits on clients: `headersTimeoutMs` 10 000, `requestTimeoutMs` 30 000, `keepAliveTimeoutMs`
   * 5 000, `maxConnections` 256, `maxHeaderBytes` 16 384 (see {@link ServerLimitsOptions}).
   */
  listen?: HttpChannelListenOptions;
  /** Base URL of each peer team's channel (`http://10.0.0.7:8080`); `/rampart/v1/messages` is appended. */
  peers?: HttpPeers;
  /** Shared bearer token: sent with every message and required on every message received. Default: none. */
  token?: string;
  /** How long a send may take, ms (request and answer). Default 10 000. */
  timeoutMs?: number;
  /** Largest request body accepted, bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Messages accepted but not yet handed to the handler; beyond it the server answers 503. Default 1 000. */
  maxQueuedMessages?: number;
  /** Time source for send timeouts and health latencies. Default `systemClock`. */
  clock?: Clock;
}

/** Every option of {@link HttpChannelOptions}: any other key is a ConfigError. */
const HTTP_CHANNEL_KEYS: OptionKeys<HttpChannelOptions> = {
  team: true, listen: true, peers: true, token: true, timeoutMs: true, maxBodyBytes: true,
  maxQueuedMessages: true, clock: true,
};

/** Where an {@link HttpChannel}'s server listens, and how it bounds slow and surplus clients. */
export interface HttpChannelListenOptions extends ServerLimitsOptions {
  host?: string;
  port?: number;
}

/** {@link HttpChannelOptions} after validation. The token itself is kept out of this object. */
export interface ResolvedHttpChannelOptions {
  readonly team: string;
  readonly host: string;
  readonly port: number;
  /** Whether a bearer token is configured (sent and required). */
  readonly tokenRequired: boolean;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly maxQueuedMessages: number;
  /** The server's limits on clients, from `listen`. */
  readonly serverLimits: ServerLimits;
  readonly clock: Clock;
}

const PATH = 'HttpChannel';

/** Every option of {@link HttpChannelListenOptions}: any other key is a ConfigError. */
const LISTEN_KEYS: OptionKeys<HttpChannelListenOptions> = {
  host: true, port: true, headersTimeoutMs: true, requestTimeoutMs: true, keepAliveTimeoutMs: true, maxConnections: true,
  maxHeaderBytes: true,
};

/** Check a peer base URL: http(s), no credentials (fetch refuses them and they would leak). Returns the URL or a reason. */
export function checkPeerUrl(value: unknown): URL | string {
  if (typeof value !== 'string') return 'must be an http:// or https:// URL string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not contain credentials (use `token`)';
  return url;
}

/** Check `peers` at construction: a record's URLs now, a function's answers at send time. */
export function validatePeers(value: unknown): void {
  if (value === undefined || typeof value === 'function') return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${PATH}.peers`, 'must be a record of team → URL or a function', Array.isArray(value) ? 'an array' : typeof value);
  }
  for (const [team, url] of Object.entries(value)) {
    teamOption(`${PATH}.peers`, team);
    const checked = checkPeerUrl(url);
    if (typeof checked === 'string') throw new ConfigError(`${PATH}.peers.${team}`, checked, typeof url === 'string' ? redactUrl(url) : typeof url);
  }
}

/** Validate options and resolve defaults into a new frozen object; throws ConfigError naming the bad option. */
export function resolveHttpChannelOptions(options: HttpChannelOptions): ResolvedHttpChannelOptions {
  const o = optionsObject(PATH, options, HTTP_CHANNEL_KEYS);
  const team = teamOption(`${PATH}.team`, o.team);
  const listen = optionsObject(`${PATH}.listen`, o.listen, LISTEN_KEYS);
  const host = listen.host === undefined ? '127.0.0.1' : nonEmptyString(`${PATH}.listen.host`, listen.host);
  const port = listen.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`${PATH}.listen.port`, 'must be an integer from 0 to 65535', port);
  validatePeers(o.peers);
  if (o.token !== undefined) {
    if (typeof o.token !== 'string' || o.token.length === 0) throw new ConfigError(`${PATH}.token`, 'must be a non-empty string', '[redacted]');
    if (!/^[\x21-\x7e]+$/.test(o.token)) throw new ConfigError(`${PATH}.token`, 'must be printable ASCII without spaces', '[redacted]');
  }
  return Object.freeze({
    team,
    host,
    port,
    tokenRequired: o.token !== undefined,
    timeoutMs: positiveInt(`${PATH}.timeoutMs`, o.timeoutMs ?? 10_000),
    maxBodyBytes: positiveInt(`${PATH}.maxBodyBytes`, o.maxBodyBytes ?? 1024 * 1024),
    maxQueuedMessages: positiveInt(`${PATH}.maxQueuedMessages`, o.maxQueuedMessages ?? 1_000),
    serverLimits: resolveServerLimits(`${PATH}.listen`, listen, { maxConnections: 256 }),
    clock: clockOption(`${PATH}.clock`, o.clock),
  });
}
