import type { LookupFunction } from 'node:net';
import { systemClock, type Clock } from '../clock/clock.js';
import { functionValue, optionsObject, positiveNumber } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import { ResourceStatus, ResourceType, STATUS_SEVERITY } from '../resource/resource-types.js';
import { monitorName } from './monitor-options.js';
import type { NetworkProbeReason } from './network-failure.js';
import { probeHttp, probeTcp, type ProbeOutcome } from './network-probe.js';
import { redactUrl } from './redact-url.js';
import { knownKeys, type OptionKeys } from '../config/known-keys.js';

/** What a {@link NetworkMonitor} probes: an HTTP(S) URL or a TCP host and port. */
export type NetworkTarget = { name: string; url: string | URL } | { name: string; host: string; port: number };

/** Options of {@link NetworkMonitor}. */
export interface NetworkMonitorOptions {
  /** Give up on a probe after this long and report `unavailable` (reason `timeout`), ms. Default 2000. */
  timeoutMs?: number;
  /** Degraded (reason `slow`) when the answer takes longer than this, ms. Default 500. */
  latencyDegradedMs?: number;
  /** Critical (reason `slow`) when the answer takes longer than this, ms. Default: none. */
  latencyCriticalMs?: number;
  /**
   * HTTP only: the status codes that count as up; any other is `critical` (reason `http_status`).
   * Default: any status below 500 is up, except 429, which is `degraded`.
   */
  expectStatus?: number | readonly number[];
  /** HTTP only: request method. Default `'GET'` (the body is never read). */
  method?: 'GET' | 'HEAD';
  /** HTTP only: request headers (an auth header, say). Never reported. */
  headers?: Readonly<Record<string, string>>;
  /** Host name resolver, as `net.connect`'s `lookup` (called with `all: true`). Default `dns.lookup`. */
  lookup?: LookupFunction;
  /** Clock for latency and the deadline. Default the system clock. */
  clock?: Clock;
}

/** Every option of {@link NetworkMonitorOptions}: any other key is a ConfigError. */
const NETWORK_MONITOR_KEYS: OptionKeys<NetworkMonitorOptions> = {
  timeoutMs: true, latencyDegradedMs: true, latencyCriticalMs: true, expectStatus: true, method: true,
  headers: true, lookup: true, clock: true,
};

/** {@link NetworkMonitorOptions} with every default filled in. */
export interface ResolvedNetworkMonitorOptions {
  readonly timeoutMs: number;
  readonly latencyDegradedMs: number;
  readonly latencyCriticalMs: number | undefined;
  readonly expectStatus: readonly number[] | undefined;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly lookup: LookupFunction | undefined;
  readonly clock: Clock;
}

type ResolvedTarget =
  | { kind: 'http'; url: URL; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string };

function resolveTarget(target: NetworkTarget): ResolvedTarget {
  const t = optionsObject('target', target);
  knownKeys('target', t, 'url' in t ? ['name', 'url'] : ['name', 'host', 'port']);
  if ('url' in t && t.url !== undefined) {
    let url: URL;
    try {
      url = new URL(String(t.url));
    } catch {
      throw new ConfigError('target.url', 'must be a valid URL', redactUrl(String(t.url)));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError('target.url', `must be http: or https:, got ${url.protocol}`, redactUrl(url));
    }
    return { kind: 'http', url, display: redactUrl(url) };
  }
  const { host, port } = t as { host?: unknown; port?: unknown };
  if (typeof host !== 'string' || host === '') {
    throw new ConfigError('target.host', 'must be a non-empty host name or address (or give target.url)', host);
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('target.port', `must be an integer from 1 to 65535, got ${String(port)}`, port);
  }
  return { kind: 'tcp', host, port, display: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
}

function resolveOptions(options: NetworkMonitorOptions | undefined): ResolvedNetworkMonitorOptions {
  const o = optionsObject('options', options, NETWORK_MONITOR_KEYS);
  const latencyDegradedMs = positiveNumber('latencyDegradedMs', o.latencyDegradedMs ?? 500);
  const latencyCriticalMs =
    o.latencyCriticalMs === undefined ? undefined : positiveNumber('latencyCriticalMs', o.latencyCriticalMs);
  if (latencyCriticalMs !== undefined && latencyCriticalMs <= latencyDegradedMs) {
    throw new ConfigError(
      'latencyCriticalMs',
      `must be above latencyDegradedMs (${latencyDegradedMs}), got ${latencyCriticalMs}`,
      latencyCriticalMs,
    );
  }
  let expectStatus: readonly number[] | undefined;
  if (o.expectStatus !== undefined) {
    const list = typeof o.expectStatus === 'number' ? [o.expectStatus] : o.expectStatus;
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError('expectStatus', 'must be a status code or a non-empty list of them', o.expectStatus);
    }
    list.forEach((code, i) => {
      if (!Number.isInteger(code) || code < 100 || code > 599) {
        throw new ConfigError(`expectStatus[${i}]`, `must be an HTTP status code (100–599), got ${String(code)}`, code);
      }
    });
    expectStatus = Object.freeze([...list]);
  }
  const method = o.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    throw new ConfigError('method', `must be 'GET' or 'HEAD', got ${String(method)}`, method);
  }
  const headers = optionsObject('headers', o.headers);
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v !== 'string' || /[\r\n]/.test(v)) {
      throw new ConfigError(`headers.${k}`, 'must be a single-line string', '[redacted]');
    }
  }
  return Object.freeze({
    timeoutMs: positiveNumber('timeoutMs', o.timeoutMs ?? 2000),
    latencyDegradedMs,
    latencyCriticalMs,
    expectStatus,
    method,
    headers: Object.freeze({ ...headers }) as Readonly<Record<string, string>>,
    lookup: o.lookup === undefined ? undefined : functionValue<LookupFunction>('lookup', o.lookup),
    clock: o.clock ?? systemClock,
  });
}

/**
 * Reachability and latency of a network endpoint: an HTTP(S) request (`{ name, url }`) or a TCP
 * connect (`{ name, host, port }`). Reported as `network:<name>`; `details` carry `target` (the URL
 * with credentials redacted), `latencyMs`, `statusCode`, and, when not healthy, `reason`:
 * `dns`, `refused`, `timeout`, `reset`, `unreachable`, `tls`, `error` (all `unavailable`),
 * `http_status` (5xx or an unexpected status: `critical`; 429: `degraded`) or `slow`
 * (`degraded` above `latencyDegradedMs`, `critical` above `latencyCriticalMs`).
 */
export class NetworkMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.NETWORK;
  readonly name: string;
  readonly options: ResolvedNetworkMonitorOptions;
  readonly #target: ResolvedTarget;

  constructor(target: NetworkTarget, options?: NetworkMonitorOptions) {
    this.name = monitorName('target.name', target?.name);
    this.#target = resolveTarget(target);
    this.options = resolveOptions(options);
  }

  /** The probed endpoint, safe to show (credentials redacted). */
  get target(): string {
    return this.#target.display;
  }

  async check(signal: AbortSignal): Promise<MonitorCheckResult> {
    const t = this.#target;
    const o = this.options;
    const settings = { timeoutMs: o.timeoutMs, clock: o.clock, signal, ...(o.lookup && { lookup: o.lookup }) };
    const outcome = t.kind === 'http'
      ? await probeHttp(t.url, { method: o.method, headers: o.headers }, settings)
      : await probeTcp(t.host, t.port, settings);
    return this.#assess(outcome);
  }

  #assess(outcome: ProbeOutcome): MonitorCheckResult {
    const details: Record<string, unknown> = {
      target: this.#target.display,
      protocol: this.#target.kind === 'http' ? this.#target.url.protocol.slice(0, -1) : 'tcp',
      latencyMs: outcome.latencyMs,
    };
    if (!outcome.ok) {
      details.reason = outcome.reason;
      if (outcome.code !== undefined) details.code = outcome.code;
      details.error = outcome.error;
      return { status: ResourceStatus.UNAVAILABLE, details };
    }
    let status: ResourceStatus = ResourceStatus.HEALTHY;
    let reason: NetworkProbeReason | undefined;
    const raise = (s: ResourceStatus, r: NetworkProbeReason) => {
      if (STATUS_SEVERITY[s] > STATUS_SEVERITY[status]) [status, reason] = [s, r];
    };
    if (outcome.statusCode !== undefined) {
      details.statusCode = outcome.statusCode;
      const expected = this.options.expectStatus;
      const up = expected ? expected.includes(outcome.statusCode) : outcome.statusCode < 500;
      if (!up) raise(ResourceStatus.CRITICAL, 'http_status');
      else if (!expected && outcome.statusCode === 429) raise(ResourceStatus.DEGRADED, 'http_status');
    }
    const { latencyCriticalMs, latencyDegradedMs } = this.options;
    if (latencyCriticalMs !== undefined && outcome.latencyMs > latencyCriticalMs) {
      raise(ResourceStatus.CRITICAL, 'slow');
    }
    else if (outcome.latencyMs > latencyDegradedMs) raise(ResourceStatus.DEGRADED, 'slow');
    if (reason) details.reason = reason;
    return { status, details };
  }
}
