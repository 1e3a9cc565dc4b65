import type { Clock } from '../clock/clock.js';
import { classifyError } from '../classify/classify-error.js';
import { readEnvDefaults } from '../config/env-defaults.js';
import { clockOption, functionValue, nonNegativeNumber, optionsObject, positiveInt, positiveNumber } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import type { Breaker } from './breaker.js';
import { ConsecutiveBreaker } from './consecutive-breaker.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface CircuitBreakerOptions {
  /**
   * The breaker kind deciding when the circuit opens ({@link ConsecutiveBreaker},
   * {@link SlidingWindowBreaker}, or your own {@link Breaker}). One instance per circuit.
   * Default: `new ConsecutiveBreaker({ failureThreshold })`.
   */
  breaker?: Breaker;
  /**
   * Shorthand for `breaker: new ConsecutiveBreaker({ failureThreshold })` (not with `breaker`).
   * Default: `CIRCUIT_FAILURE_THRESHOLD` from the environment, else 5.
   */
  failureThreshold?: number;
  /**
   * Milliseconds the circuit stays open before admitting half-open probes (checked on the next
   * call; no timer). Default: `CIRCUIT_RECOVERY_TIMEOUT` (seconds) from the environment, else 60 s.
   */
  recoveryTimeoutMs?: number;
  /**
   * Probes admitted at once while half-open; the rest fail fast. The circuit closes once this many
   * probes have succeeded and reopens on the first counted failure (or slow call). Default 1.
   */
  halfOpenMaxCalls?: number;
  /**
   * A probe that has not settled after this many ms gives its slot up to a new probe (its late
   * outcome is then ignored), so a hung call cannot keep the circuit half-open forever. `Infinity`
   * disables it. Default 60 000.
   */
  halfOpenProbeTimeoutMs?: number;
  /**
   * Which errors count as failures. Default: those `classifyError` classes as transient, timeout or
   * rate_limited; permanent errors (a 400, a bug, the caller's abort) pass through uncounted.
   */
  shouldCount?: (error: unknown) => boolean;
  /** Time source. Default {@link systemClock}. */
  clock?: Clock;
}

/** Every option of {@link CircuitBreakerOptions}: any other key is a ConfigError. */
const CIRCUIT_BREAKER_KEYS: OptionKeys<CircuitBreakerOptions> = {
  breaker: true, failureThreshold: true, recoveryTimeoutMs: true, halfOpenMaxCalls: true,
  halfOpenProbeTimeoutMs: true, shouldCount: true, clock: true,
};

/** Options after defaults and validation (frozen). */
export interface ResolvedCircuitBreakerOptions {
  readonly breaker: Breaker;
  readonly recoveryTimeoutMs: number;
  readonly halfOpenMaxCalls: number;
  readonly halfOpenProbeTimeoutMs: number;
  readonly shouldCount: (error: unknown) => boolean;
  readonly clock: Clock;
}

/** The default failure filter: transient, timeout and rate_limited errors count; permanent ones do not. */
export function countsAsFailure(error: unknown): boolean {
  return classifyError(error).kind !== 'permanent';
}

/** Whether `error` counts as a failure under `options.shouldCount`; a throwing filter counts it (it must not hide a failure). */
export function isCountedFailure(options: ResolvedCircuitBreakerOptions, error: unknown): boolean {
  try {
    return options.shouldCount(error) === true;
  } catch {
    return true;
  }
}

const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

/** Breakers already given to a circuit: a breaker holds one circuit's outcomes, so it cannot be shared. */
const boundBreakers = new WeakSet<Breaker>();

function isBreaker(value: unknown): value is Breaker {
  const b = value as Partial<Breaker> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.success === 'function' &&
    typeof b.failure === 'function' &&
    typeof b.reset === 'function' &&
    typeof b.snapshot === 'function' &&
    typeof b.restore === 'function' &&
    typeof b.needsClock === 'boolean' &&
    typeof b.slowCallDurationMs === 'number' &&
    typeof b.description === 'object'
  );
}

function resolveBreaker(path: string, o: Partial<CircuitBreakerOptions>, readEnv: () => number): Breaker {
  if (o.breaker !== undefined) {
    if (o.failureThreshold !== undefined) {
      throw new ConfigError(`${path}.failureThreshold`, 'give either failureThreshold or breaker, not both', o.failureThreshold);
    }
    if (!isBreaker(o.breaker)) throw new ConfigError(`${path}.breaker`, 'must implement the Breaker interface', o.breaker);
    return o.breaker;
  }
  const threshold = o.failureThreshold === undefined ? readEnv() : positiveInt(`${path}.failureThreshold`, o.failureThreshold);
  return new ConsecutiveBreaker({ failureThreshold: threshold });
}

/**
 * Validate `options` for the circuit `name` and resolve defaults (environment first, then
 * built-in) into a new frozen object; the caller's object is never written to. `bind` marks the
 * breaker as taken (a circuit is being built from these options).
 */
export function resolveCircuitBreakerOptions(
  name: string,
  options: CircuitBreakerOptions | undefined,
  bind = true,
): ResolvedCircuitBreakerOptions {
  const path = `circuitBreaker("${name}")`;
  const o = optionsObject(path, options, CIRCUIT_BREAKER_KEYS);
  let env: ReturnType<typeof readEnvDefaults> | undefined;
  const envDefaults = () => (env ??= readEnvDefaults());
  const breaker = resolveBreaker(path, o, () => envDefaults().circuitFailureThreshold);
  if (bind) {
    if (boundBreakers.has(breaker)) {
      throw new ConfigError(`${path}.breaker`, 'this Breaker instance already belongs to another circuit; create one per circuit', breaker.description);
    }
  }
  const resolved: ResolvedCircuitBreakerOptions = Object.freeze({
    breaker,
    recoveryTimeoutMs:
      o.recoveryTimeoutMs === undefined
        ? envDefaults().circuitRecoveryTimeoutMs
        : nonNegativeNumber(`${path}.recoveryTimeoutMs`, o.recoveryTimeoutMs),
    halfOpenMaxCalls: positiveInt(`${path}.halfOpenMaxCalls`, o.halfOpenMaxCalls ?? 1),
    halfOpenProbeTimeoutMs: positiveNumber(`${path}.halfOpenProbeTimeoutMs`, o.halfOpenProbeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, {
      allowInfinity: true,
    }),
    shouldCount: o.shouldCount === undefined ? countsAsFailure : functionValue<(e: unknown) => boolean>(`${path}.shouldCount`, o.shouldCount),
    clock: clockOption(`${path}.clock`, o.clock),
  });
  if (bind) boundBreakers.add(breaker);
  return resolved;
}

const sameDescription = (a: Breaker, b: Breaker) =>
  a === b || JSON.stringify(a.description) === JSON.stringify(b.description);

/**
 * The first option in `given` that disagrees with an existing circuit's resolved options, or
 * undefined. Only options the caller actually gave are compared (omitting an option never
 * conflicts); functions and clocks are compared by identity, breakers by their description.
 */
export function conflictingOption(
  name: string,
  existing: ResolvedCircuitBreakerOptions,
  given: CircuitBreakerOptions | undefined,
): { option: keyof CircuitBreakerOptions; value: unknown } | undefined {
  if (given === undefined) return undefined;
  const wanted = resolveCircuitBreakerOptions(name, given, false);
  if ((given.breaker !== undefined || given.failureThreshold !== undefined) && !sameDescription(existing.breaker, wanted.breaker)) {
    return given.breaker !== undefined
      ? { option: 'breaker', value: wanted.breaker.description }
      : { option: 'failureThreshold', value: given.failureThreshold };
  }
  for (const key of ['recoveryTimeoutMs', 'halfOpenMaxCalls', 'halfOpenProbeTimeoutMs', 'shouldCount', 'clock'] as const) {
    if (given[key] !== undefined && wanted[key] !== existing[key]) return { option: key, value: given[key] };
  }
  return undefined;
}
