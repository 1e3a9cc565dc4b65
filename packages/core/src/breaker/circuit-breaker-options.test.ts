import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { ConfigError } from '../errors/config-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import {
  conflictingOption,
  countsAsFailure,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker-options.js';
import { ConsecutiveBreaker } from './consecutive-breaker.js';
import { SlidingWindowBreaker } from './sliding-window-breaker.js';

const ENV = ['CIRCUIT_FAILURE_THRESHOLD', 'CIRCUIT_RECOVERY_TIMEOUT'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveCircuitBreakerOptions', () => {
  it('defaults: a consecutive breaker of 5, 60 s recovery, 1 probe, 60 s probe timeout, system clock', () => {
    for (const k of ENV) delete process.env[k];
    const r = resolveCircuitBreakerOptions('a', undefined);
    expect(r.breaker.description).toEqual({ kind: 'consecutive', failureThreshold: 5 });
    expect(r).toMatchObject({ recoveryTimeoutMs: 60_000, halfOpenMaxCalls: 1, halfOpenProbeTimeoutMs: 60_000, clock: systemClock });
    expect(r.shouldCount).toBe(countsAsFailure);
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('reads CIRCUIT_FAILURE_THRESHOLD and CIRCUIT_RECOVERY_TIMEOUT (seconds) when options leave them out', () => {
    process.env.CIRCUIT_FAILURE_THRESHOLD = '7';
    process.env.CIRCUIT_RECOVERY_TIMEOUT = '2.5';
    const r = resolveCircuitBreakerOptions('a', {});
    expect(r.breaker.description).toEqual({ kind: 'consecutive', failureThreshold: 7 });
    expect(r.recoveryTimeoutMs).toBe(2500);
    const explicit = resolveCircuitBreakerOptions('b', { failureThreshold: 2, recoveryTimeoutMs: 10 });
    expect(explicit.breaker.description).toEqual({ kind: 'consecutive', failureThreshold: 2 });
    expect(explicit.recoveryTimeoutMs).toBe(10);
  });

  it('an invalid environment value is a ConfigError naming the variable and value', () => {
    process.env.CIRCUIT_FAILURE_THRESHOLD = 'five';
    const e = configError(() => resolveCircuitBreakerOptions('a', {}));
    expect(e.path).toBe('CIRCUIT_FAILURE_THRESHOLD');
    expect(e.value).toBe('five');
    // Not consulted when the option is given.
    expect(resolveCircuitBreakerOptions('b', { failureThreshold: 3, recoveryTimeoutMs: 1 }).breaker.description.failureThreshold).toBe(3);
  });

  it('never writes to the caller options object', () => {
    const options: CircuitBreakerOptions = Object.freeze({ failureThreshold: 3 });
    const r = resolveCircuitBreakerOptions('a', options);
    expect(options).toEqual({ failureThreshold: 3 });
    expect(r).not.toBe(options);
  });

  it.each<[CircuitBreakerOptions, string]>([
    [{ failureThreshold: 0 }, 'circuitBreaker("x").failureThreshold'],
    [{ failureThreshold: 2.5 }, 'circuitBreaker("x").failureThreshold'],
    [{ recoveryTimeoutMs: -1 }, 'circuitBreaker("x").recoveryTimeoutMs'],
    [{ recoveryTimeoutMs: Number.NaN }, 'circuitBreaker("x").recoveryTimeoutMs'],
    [{ halfOpenMaxCalls: 0 }, 'circuitBreaker("x").halfOpenMaxCalls'],
    [{ halfOpenProbeTimeoutMs: 0 }, 'circuitBreaker("x").halfOpenProbeTimeoutMs'],
    [{ shouldCount: 'yes' as never }, 'circuitBreaker("x").shouldCount'],
    [{ clock: {} as never }, 'circuitBreaker("x").clock'],
    [{ breaker: { kind: 'nope' } as never }, 'circuitBreaker("x").breaker'],
    [{ breaker: new ConsecutiveBreaker({ failureThreshold: 2 }), failureThreshold: 2 }, 'circuitBreaker("x").failureThreshold'],
  ])('rejects %j with a ConfigError at %s', (options, path) => {
    const e = configError(() => resolveCircuitBreakerOptions('x', options));
    expect(e.path).toBe(path);
  });

  it('accepts an infinite probe timeout', () => {
    expect(resolveCircuitBreakerOptions('x', { halfOpenProbeTimeoutMs: Number.POSITIVE_INFINITY }).halfOpenProbeTimeoutMs).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('refuses to give one Breaker instance to two circuits', () => {
    const breaker = new SlidingWindowBreaker({ windowSize: 10 });
    resolveCircuitBreakerOptions('one', { breaker });
    const e = configError(() => resolveCircuitBreakerOptions('two', { breaker }));
    expect(e.path).toBe('circuitBreaker("two").breaker');
  });

  it('countsAsFailure: transient, timeout and rate-limit errors count; permanent ones do not', () => {
    expect(countsAsFailure(new Error('boom'))).toBe(true);
    expect(countsAsFailure(Object.assign(new Error(), { status: 503 }))).toBe(true);
    expect(countsAsFailure(Object.assign(new Error(), { status: 429 }))).toBe(true);
    expect(countsAsFailure(new TimeoutError(100))).toBe(true);
    expect(countsAsFailure(new BrokenCircuitError('inner', undefined))).toBe(true);
    expect(countsAsFailure(Object.assign(new Error(), { status: 400 }))).toBe(false);
    expect(countsAsFailure(new TypeError('bug'))).toBe(false);
    expect(countsAsFailure(new DOMException('aborted', 'AbortError'))).toBe(false);
  });
});

describe('conflictingOption', () => {
  const clock = new FakeClock();
  const filter = () => true;
  const existing = resolveCircuitBreakerOptions('c', { failureThreshold: 3, recoveryTimeoutMs: 1000, shouldCount: filter, clock });

  it('finds no conflict when the given options agree or are left out', () => {
    expect(conflictingOption('c', existing, undefined)).toBeUndefined();
    expect(conflictingOption('c', existing, {})).toBeUndefined();
    expect(conflictingOption('c', existing, { failureThreshold: 3 })).toBeUndefined();
    expect(conflictingOption('c', existing, { breaker: new ConsecutiveBreaker({ failureThreshold: 3 }) })).toBeUndefined();
    expect(conflictingOption('c', existing, { recoveryTimeoutMs: 1000, halfOpenMaxCalls: 1, shouldCount: filter, clock })).toBeUndefined();
  });

  it('names the first option that disagrees', () => {
    expect(conflictingOption('c', existing, { failureThreshold: 4 })).toEqual({ option: 'failureThreshold', value: 4 });
    expect(conflictingOption('c', existing, { breaker: new SlidingWindowBreaker({ windowSize: 3 }) })?.option).toBe('breaker');
    expect(conflictingOption('c', existing, { recoveryTimeoutMs: 5 })).toEqual({ option: 'recoveryTimeoutMs', value: 5 });
    expect(conflictingOption('c', existing, { halfOpenMaxCalls: 2 })?.option).toBe('halfOpenMaxCalls');
    expect(conflictingOption('c', existing, { shouldCount: () => true })?.option).toBe('shouldCount');
    expect(conflictingOption('c', existing, { clock: new FakeClock() })?.option).toBe('clock');
  });
});
