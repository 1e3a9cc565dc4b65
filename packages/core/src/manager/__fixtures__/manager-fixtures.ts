import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';
import { currentFallback, type FallbackContext } from '../../fallback/fallback-context.js';
import type { MonitorCheckResult, ResourceMonitor } from '../../resource/monitor.js';
import type { ResourceTypeName } from '../../resource/resource-type-name.js';
import { ResourceStatus } from '../../resource/resource-types.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { ResilienceManager } from '../resilience-manager.js';
import type { ResilienceConfig } from '../resilience-config.js';

/** An HTTP-like error that core's classifier understands (status 429 → rate_limited, 503 → transient, 401 → provider, 400 → request). */
export function httpError(status: number, message = `HTTP ${status}`, retryAfterMs?: number): Error & { status: number } {
  return Object.assign(new Error(message), { status }, retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** A logger that records JSON lines in memory. */
export function memoryLogger(level: 'debug' | 'info' | 'warn' | 'silent' = 'silent'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** A monitor whose status the test sets. */
export class SettableMonitor implements ResourceMonitor {
  result: MonitorCheckResult = { status: ResourceStatus.HEALTHY };
  checks = 0;
  constructor(
    readonly name: string,
    readonly resourceType: ResourceTypeName,
  ) {}
  async check(): Promise<MonitorCheckResult> {
    this.checks++;
    return this.result;
  }
  set(status: ResourceStatus, usage?: number): void {
    this.result = usage === undefined ? { status } : { status, usage };
  }
}

/**
 * Simulated providers behind one guarded function: each call records the fallback context and
 * answers `${provider}/${degradation}:${input}` unless a failure is scheduled for that provider.
 */
export class SimulatedProviders {
  readonly calls: Array<{ provider: string; context: FallbackContext | undefined; input: string }> = [];
  readonly failures = new Map<string, Array<Error | 'hang'> | Error>();
  constructor(readonly primary: string) {}

  /** Fail `provider`'s next calls with these errors (an Error alone = fail every call). */
  fail(provider: string, errors: Array<Error | 'hang'> | Error): void {
    this.failures.set(provider, errors);
  }

  heal(provider: string): void {
    this.failures.delete(provider);
  }

  readonly call = async (input: string): Promise<string> => {
    const context = currentFallback();
    const provider = context?.provider ?? this.primary;
    this.calls.push({ provider, context, input });
    const f = this.failures.get(provider);
    const next = Array.isArray(f) ? f.shift() : f;
    if (next === 'hang') return new Promise<never>(() => undefined);
    if (next) throw next;
    return `${provider}/${context?.degradation ?? 0}:${input}`;
  };

  /** `provider/strategy` of every call so far. */
  trail(): string[] {
    return this.calls.map((c) => `${c.provider}/${c.context?.strategy ?? 'plain'}`);
  }
}

/** A manager on a FakeClock with a silent logger and no environment defaults. */
export function testManager(config: ResilienceConfig = {}, team = 'test-team'): { manager: ResilienceManager; clock: FakeClock } {
  const clock = (config.clock as FakeClock | undefined) ?? new FakeClock();
  const manager = new ResilienceManager(team, {
    env: {},
    logger: memoryLogger().logger,
    checkIntervalMs: 1_000,
    checkTimeoutMs: 500,
    hysteresis: { worsenAfter: 1, recoverAfter: 1 },
    retry: { baseDelayMs: 100, maxDelayMs: 1_000 },
    ...config,
    clock,
  });
  return { manager, clock };
}

/** Advance fake time in steps until `p` settles (or `maxMs` passes); returns `p`. */
export async function drive<T>(clock: FakeClock, p: Promise<T>, stepMs = 50, maxMs = 600_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await clock.tickAsync(0);
  for (let t = 0; !done && t < maxMs; t += stepMs) await clock.tickAsync(stepMs);
  return p;
}

export { rejection } from '../../../../../test/support/rejection.js';
