import { seededRandom } from '../backoff/seeded-random.js';
import type { Clock } from '../clock/clock.js';
import { booleanOption, clockOption, fraction, nonNegativeNumber, optionsObject } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { FIRST_ATTEMPT_CONTEXT } from '../retry/retry-context.js';
import {
  FORWARDS_ATTEMPT,
  NEVER_ABORTED_SIGNAL,
  NO_SIGNAL_OPTIONS,
  type LayerExecuteOptions,
} from '../wrap/execute-options.js';
import { LayerOptions } from '../wrap/layer-options.js';
import { InjectedFaultError } from './injected-fault-error.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface ChaosOptions {
  /** Whether anything is injected. Default false: the policy passes every call through. */
  enabled?: boolean;
  /** Probability in [0, 1] that a call fails with `fault` instead of running. Default 0. */
  faultRate?: number;
  /** The error to throw, or a factory of it. Default: a new {@link InjectedFaultError} (transient). */
  fault?: unknown;
  /** Probability in [0, 1] that a call is delayed by `latencyMs` first. Default 0. */
  latencyRate?: number;
  /** Added latency in ms: a number, or `[minMs, maxMs]` drawn uniformly. Default 1000. */
  latencyMs?: number | readonly [number, number];
  /** Probability in [0, 1] that a call returns `result` instead of running. Default 0. */
  resultRate?: number;
  /** The value to return, or a factory `(ctx) => value`. Required when resultRate > 0. */
  result?: unknown;
  /** Seed for reproducible injections (see seededRandom). Default: Math.random. */
  seed?: number;
  /** Time source for the latency; default the system clock. */
  clock?: Clock;
}

/** Every option of {@link ChaosOptions}: any other key is a ConfigError. */
const CHAOS_KEYS: OptionKeys<ChaosOptions> = {
  enabled: true, faultRate: true, fault: true, latencyRate: true, latencyMs: true, resultRate: true,
  result: true, seed: true, clock: true,
};

export interface ChaosEvent {
  readonly kind: 'fault' | 'latency' | 'result';
  /** The injected latency in ms (latency only). */
  readonly latencyMs?: number;
}

interface ResolvedChaosOptions {
  readonly faultRate: number;
  readonly latencyRate: number;
  readonly latencyMs: readonly [number, number];
  readonly resultRate: number;
}

function resolveLatency(value: ChaosOptions['latencyMs']): readonly [number, number] {
  if (value === undefined) return [1000, 1000];
  if (typeof value === 'number') {
    const ms = nonNegativeNumber('chaos.latencyMs', value);
    return [ms, ms];
  }
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ConfigError('chaos.latencyMs', 'must be a number or [minMs, maxMs]', value);
  }
  const min = nonNegativeNumber('chaos.latencyMs[0]', value[0]);
  const max = nonNegativeNumber('chaos.latencyMs[1]', value[1]);
  if (max < min) throw new ConfigError('chaos.latencyMs[1]', `must not be below minMs (${min})`, max);
  return [min, max];
}

/**
 * Injects faults, latency or canned results at configured rates, for rehearsing fallbacks
 * ("simulate failures in development"). Off unless `enabled`; seeded for reproducible runs.
 * Each call draws four numbers (latency, its amount, fault, result), so a seed fixes the whole
 * sequence. Build with {@link createChaos}.
 */
export class ChaosPolicy implements Policy {
  readonly [FORWARDS_ATTEMPT] = true as const;
  readonly options: ResolvedChaosOptions;
  readonly clock: Clock;
  #enabled: boolean;
  readonly #random: () => number;
  readonly #fault: unknown;
  readonly #result: unknown;
  readonly #onInject = new EventEmitter<ChaosEvent>();
  /** Fired for every injection. */
  readonly onInject: Event<ChaosEvent> = this.#onInject.event;

  constructor(options?: ChaosOptions) {
    const o = optionsObject('chaos', options, CHAOS_KEYS);
    this.#enabled = booleanOption('chaos.enabled', o.enabled, false);
    const resultRate = fraction('chaos.resultRate', o.resultRate ?? 0);
    if (resultRate > 0 && !('result' in o)) {
      throw new ConfigError('chaos.result', 'is required when resultRate > 0', undefined);
    }
    this.options = Object.freeze({
      faultRate: fraction('chaos.faultRate', o.faultRate ?? 0),
      latencyRate: fraction('chaos.latencyRate', o.latencyRate ?? 0),
      latencyMs: Object.freeze(resolveLatency(o.latencyMs)),
      resultRate,
    });
    if (o.seed !== undefined && !(typeof o.seed === 'number' && Number.isFinite(o.seed))) {
      throw new ConfigError('chaos.seed', `must be a finite number, got ${String(o.seed)}`, o.seed);
    }
    this.#random = o.seed === undefined ? Math.random : seededRandom(o.seed);
    this.#fault = o.fault;
    this.#result = o.result;
    this.clock = clockOption('chaos.clock', o.clock);
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Turn injection on (for a rehearsal window) or off. */
  setEnabled(enabled: boolean): void {
    this.#enabled = booleanOption('chaos.enabled', enabled, false);
  }

  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: LayerExecuteOptions): Promise<T> {
    const ctx =
      options === undefined || options === NO_SIGNAL_OPTIONS
        ? FIRST_ATTEMPT_CONTEXT
        : new LayerOptions(options, options.attempt ?? 1, undefined);
    if (!this.#enabled) return this.#run(fn, ctx);
    const { latencyRate, faultRate, resultRate, latencyMs } = this.options;
    const r = this.#random;
    // always four draws, so one seed fixes the whole sequence whatever the rates
    const [dLatency, dAmount, dFault, dResult] = [r(), r(), r(), r()];
    const latency = dLatency < latencyRate ? latencyMs[0] + dAmount * (latencyMs[1] - latencyMs[0]) : undefined;
    const fault = dFault < faultRate;
    const result = !fault && dResult < resultRate;
    if (latency === undefined) return this.#inject(fn, ctx, fault, result);
    this.#onInject.fire({ kind: 'latency', latencyMs: latency });
    const signal = options?.signal;
    return this.clock
      .sleep(latency, signal === NEVER_ABORTED_SIGNAL ? undefined : signal)
      .then(() => this.#inject(fn, ctx, fault, result));
  }

  #inject<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, ctx: PolicyContext, fault: boolean, result: boolean): Promise<T> {
    if (fault) {
      this.#onInject.fire({ kind: 'fault' });
      const f = this.#fault;
      return Promise.reject(f === undefined ? new InjectedFaultError() : typeof f === 'function' ? (f as () => unknown)() : f);
    }
    if (result) {
      this.#onInject.fire({ kind: 'result' });
      const v = this.#result;
      return this.#run(typeof v === 'function' ? (v as (c: PolicyContext) => T) : () => v as T, ctx);
    }
    return this.#run(fn, ctx);
  }

  #run<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, ctx: PolicyContext): Promise<T> {
    try {
      return Promise.resolve(fn(ctx));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** A chaos policy (off unless `enabled: true`). */
export function createChaos(options?: ChaosOptions): ChaosPolicy {
  return new ChaosPolicy(options);
}
