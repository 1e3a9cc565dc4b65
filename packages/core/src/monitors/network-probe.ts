import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Clock } from '../clock/clock.js';
import { deadline } from '../clock/deadline.js';
import { classifyNetworkError, type NetworkFailureReason } from './network-failure.js';
import { round2 } from './monitor-options.js';
import { redactUrlsInText } from './redact-url.js';

/** What one probe saw. `latencyMs` runs from the start to the answer (or the failure). */
export type ProbeOutcome =
  | { ok: true; latencyMs: number; statusCode?: number }
  | { ok: false; latencyMs: number; reason: NetworkFailureReason; code?: string; error: string };

/** Shared settings of a probe. */
export interface ProbeSettings {
  timeoutMs: number;
  clock: Clock;
  signal: AbortSignal;
  lookup?: net.LookupFunction;
}

interface ProbeHandle {
  destroy(err?: Error): void;
}

/**
 * Run one probe: `start` opens the connection and calls `succeed`/`fail`; this owns the deadline
 * (the clock's {@link deadline}), the caller's abort signal, and releases the socket, timer and listener
 * whichever way it ends. Aborting rejects with the signal's reason; the deadline resolves a
 * `timeout` failure.
 */
function runProbe(
  settings: ProbeSettings,
  start: (succeed: (statusCode?: number) => void, fail: (err: unknown) => void) => ProbeHandle,
): Promise<ProbeOutcome> {
  const { clock, signal, timeoutMs } = settings;
  signal.throwIfAborted();
  return new Promise<ProbeOutcome>((resolve, reject) => {
    const startedAt = clock.now();
    let settled = false;
    let timedOut = false;
    let handle: ProbeHandle | undefined;
    // a monitor's probe is background work: its deadline does not keep the process alive by itself
    const limit = deadline(clock, timeoutMs, { signal, background: true });
    const elapsed = () => round2(clock.now() - startedAt);
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      limit.signal.removeEventListener('abort', onAbort);
      limit.dispose();
      handle?.destroy();
      settle();
    };
    const succeed = (statusCode?: number) =>
      finish(() => {
        const latencyMs = elapsed();
        resolve(statusCode === undefined ? { ok: true, latencyMs } : { ok: true, latencyMs, statusCode });
      });
    const fail = (err: unknown) =>
      finish(() => {
        const latencyMs = elapsed();
        if (timedOut) {
          resolve({ ok: false, latencyMs, reason: 'timeout', error: `no answer within ${timeoutMs} ms` });
          return;
        }
        const message = redactUrlsInText(err instanceof Error ? err.message || err.name : String(err));
        resolve({ ok: false, latencyMs, ...classifyNetworkError(err), error: message });
      });
    const onAbort = () => {
      if (!limit.expired) return finish(() => reject(signal.reason));
      timedOut = true;
      fail(limit.signal.reason);
    };
    limit.signal.addEventListener('abort', onAbort, { once: true });
    try {
      handle = start(succeed, fail);
    } catch (err) {
      fail(err); // e.g. a header value Node refuses
    }
  });
}

/** Options of an HTTP(S) probe. */
export interface HttpProbeOptions {
  method: 'GET' | 'HEAD';
  headers: Readonly<Record<string, string>>;
}

/**
 * Send one request on a fresh connection (no keep-alive agent, so no socket outlives the probe) and
 * succeed on the response headers; the body is not read.
 */
export function probeHttp(url: URL, options: HttpProbeOptions, settings: ProbeSettings): Promise<ProbeOutcome> {
  return runProbe(settings, (succeed, fail) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: options.method,
      headers: { ...options.headers },
      agent: false,
      ...(settings.lookup && { lookup: settings.lookup }),
    });
    req.on('response', (res) => {
      res.on('error', () => {}); // destroyed below, before its body is read
      succeed(res.statusCode);
    });
    req.on('error', fail);
    req.end();
    return { destroy: () => req.destroy() };
  });
}

/** Open a TCP connection and succeed once it is established. */
export function probeTcp(host: string, port: number, settings: ProbeSettings): Promise<ProbeOutcome> {
  return runProbe(settings, (succeed, fail) => {
    const socket = net.connect({ host, port, ...(settings.lookup && { lookup: settings.lookup }) });
    socket.once('connect', () => succeed());
    socket.on('error', fail);
    return { destroy: () => socket.destroy() };
  });
}
