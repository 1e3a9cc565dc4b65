import type { Clock } from '../clock/clock.js';
import type { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { ConfigError } from '../errors/config-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { ExecuteOptions, Policy, PolicyContext } from '../policy/policy.js';
import type { Breaker } from './breaker.js';
import type { BreakerSnapshot } from './breaker-snapshot.js';
import type { CircuitChangeLog } from './circuit-change-log.js';
import { openCircuitError, saturatedProbesError } from './broken-circuit.js';
import { CallCounters } from './call-counters.js';
import { callContext, handledRejection, isThenable } from './call-context.js';
import type {
  CircuitBreakerStats,
  CircuitFailureEvent,
  CircuitRejectEvent,
  CircuitStateChange,
  CircuitSuccessEvent,
  CircuitTransitionReason,
} from './circuit-breaker-events.js';
import {
  isCountedFailure,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
  type ResolvedCircuitBreakerOptions,
} from './circuit-breaker-options.js';
import { restoreCircuitParts, takeCircuitSnapshot, type CircuitParts } from './circuit-snapshot.js';
import { CircuitState } from './circuit-state.js';
import { HalfOpenProbes } from './half-open-probes.js';

const { Closed: CLOSED, Open: OPEN, HalfOpen: HALF_OPEN } = CircuitState;

/**
 * A circuit breaker (closed → open → half-open → closed). Time is checked lazily on calls: there is
 * no timer per breaker.
 *
 * Fast-fail cost: while open (or while every half-open probe slot is taken) a call gets the
 * period's shared, already-rejected promise of a {@link BrokenCircuitError} built once per period
 * without a stack. A rejected call therefore allocates nothing and skips Node's unhandled-rejection
 * bookkeeping (a fresh `Promise.reject` costs about a microsecond there). The flip side: every
 * call rejected in one period receives the same error instance, and a caller that ignores the
 * returned promise gets no `unhandledRejection` for it.
 *
 * Usually obtained through `createCircuitBreaker(name, options)`, which registers it by name;
 * constructing it directly gives an unregistered breaker.
 */
export class CircuitBreakerPolicy implements Policy {
  readonly name: string;
  readonly options: ResolvedCircuitBreakerOptions;
  readonly #breaker: Breaker;
  readonly #clock: Clock;
  /** Whether every closed-state call needs its duration or end time (time window, slow calls). */
  readonly #timed: boolean;
  #state: CircuitState = CLOSED;
  #isolated = false;
  /** Incremented on every transition: outcomes of calls admitted in an earlier period are not fed back. */
  #period = 0;
  /** Monotonic ms at which an open circuit admits probes. */
  #openUntil = 0;
  /** The same moment as epoch ms (undefined unless open and not isolated). */
  #halfOpenAt: number | undefined;
  /** This period's fast-fail error, and an already-rejected (and handled) promise of it. */
  #rejection: BrokenCircuitError | undefined;
  #rejected: Promise<never> | undefined;
  /** Settlement callbacks shared by the untimed calls of the current closed period. */
  #closedOk: ((value: unknown) => unknown) | undefined;
  #closedErr: ((error: unknown) => never) | undefined;
  #probes: HalfOpenProbes | undefined;
  #lastTransitionAt: number | undefined;
  readonly #counters = new CallCounters();
  /** @internal The change log of the registry holding this breaker (set and cleared by the registry). */
  _changes: CircuitChangeLog | undefined;
  /** Position of this breaker's latest entry in `_changes`. */
  #logged = -1;
  // Emitters are created on first subscription: a breaker nobody watches stays small.
  #stateChanges: EventEmitter<CircuitStateChange> | undefined;
  #successEvents: EventEmitter<CircuitSuccessEvent> | undefined;
  #failureEvents: EventEmitter<CircuitFailureEvent> | undefined;
  #rejectEvents: EventEmitter<CircuitRejectEvent> | undefined;

  constructor(name: string, options?: CircuitBreakerOptions) {
    if (typeof name !== 'string' || name.length === 0) throw new ConfigError('circuitBreaker.name', 'must be a non-empty string', name);
    this.name = name;
    this.options = resolveCircuitBreakerOptions(name, options);
    this.#breaker = this.options.breaker;
    this.#clock = this.options.clock;
    this.#timed = this.#breaker.needsClock || Number.isFinite(this.#breaker.slowCallDurationMs);
  }

  /** Fires on every state change. */
  get onStateChange(): Event<CircuitStateChange> {
    return (this.#stateChanges ??= new EventEmitter()).event;
  }

  get onSuccess(): Event<CircuitSuccessEvent> {
    return (this.#successEvents ??= new EventEmitter()).event;
  }

  /** Fires for every failed call, counted or not. */
  get onFailure(): Event<CircuitFailureEvent> {
    return (this.#failureEvents ??= new EventEmitter()).event;
  }

  /** Fires for every call rejected without running. */
  get onReject(): Event<CircuitRejectEvent> {
    return (this.#rejectEvents ??= new EventEmitter()).event;
  }

  get state(): CircuitState {
    this.#refresh();
    return this.#state;
  }

  /**
   * How long until the open circuit admits probes, ms, on the monotonic clock (0 unless open;
   * Infinity while isolated). Decisions use this; {@link halfOpenAt} is the same instant in wall
   * time, for reports and persistence.
   */
  get openForMs(): number {
    this.#refresh();
    if (this.#state !== OPEN) return 0;
    return this.#isolated ? Number.POSITIVE_INFINITY : Math.max(0, this.#openUntil - this.#clock.now());
  }

  /** True after `isolate()` until `reset()`. */
  get isolated(): boolean {
    return this.#isolated;
  }

  /** Epoch ms at which the open circuit admits probes; undefined unless open, and while isolated. */
  get halfOpenAt(): number | undefined {
    this.#refresh();
    return this.#state === OPEN ? this.#halfOpenAt : undefined;
  }

  get stats(): CircuitBreakerStats {
    const state = this.state;
    const c = this.#counters;
    return { ...c.toJSON(), successRate: c.successRate, failureRate: c.failureRate, state, lastTransitionAt: this.#lastTransitionAt };
  }

  /**
   * Run `fn` through the circuit. Rejects with a shared {@link BrokenCircuitError} while open or
   * while every half-open probe slot is taken, and with the signal's reason if it is already
   * aborted; otherwise settles as `fn` does.
   */
  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: ExecuteOptions): Promise<T> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    if (this.#state === CLOSED) return this.#measuring() ? this.#run(fn, signal, 0, this.#clock.now()) : this.#runUntimed(fn, signal);
    const now = this.#clock.now();
    if (this.#state === OPEN) {
      if (this.#isolated || now < this.#openUntil) return this.#reject();
      this.#transition(HALF_OPEN, 'recovery_timeout', undefined);
      // A state-change listener may have isolated or reset the circuit: dispatch again.
      if ((this.#state as CircuitState) !== HALF_OPEN) return this.execute(fn, options);
    }
    const probe = (this.#probes ??= new HalfOpenProbes(this.options.halfOpenMaxCalls, this.options.halfOpenProbeTimeoutMs)).admit(now);
    if (probe === 0) return this.#reject();
    this.#rejection = this.#rejected = undefined;
    return this.#run(fn, signal, probe, now);
  }

  /**
   * @internal `wrap`'s fused path: admit a closed-state call without running it. Returns the
   * period to hand to {@link _settleAdmitted}, or -1 when the circuit is not closed (the caller
   * then goes through {@link execute}). No side effects.
   */
  _admitClosed(): number {
    return this.#state === CLOSED ? this.#period : -1;
  }

  /** @internal The start time of an admitted call (NaN when this breaker does not time calls). */
  _startTime(): number {
    return this.#measuring() ? this.#clock.now() : Number.NaN;
  }

  /** @internal Record the outcome of a call admitted by {@link _admitClosed}, as `execute` would. */
  _settleAdmitted(ok: boolean, error: unknown, period: number, start: number): void {
    this.#settle(ok, error, period, 0, start);
  }

  /** Open the circuit until {@link reset} (no half-open probes meanwhile). */
  isolate(): void {
    if (this.#isolated) return;
    this.#isolated = true;
    this.#transition(OPEN, 'isolated', undefined);
  }

  /**
   * Open the circuit now, for its recovery timeout, after which it half-opens as if its threshold
   * had been reached (the CIRCUIT_BREAK fallback strategy). No-op while open or isolated.
   */
  trip(): void {
    this.#refresh();
    if (this.#isolated || this.#state === OPEN) return;
    this.#open('tripped');
  }

  /**
   * An open circuit half-opens now, before its recovery timeout: something that knows (the
   * provider's monitor reporting it healthy again) says the next calls may probe it. No-op unless
   * open, and while isolated. Returns whether it half-opened.
   */
  halfOpenNow(reason: 'monitor_recovered' = 'monitor_recovered'): boolean {
    this.#refresh();
    if (this.#isolated || this.#state !== OPEN) return false;
    this.#openUntil = this.#clock.now();
    this.#transition(HALF_OPEN, reason, undefined);
    return true;
  }

  /** Close the circuit (ending isolation) and forget the breaker kind's recorded outcomes. */
  reset(): void {
    this.#isolated = false;
    if (this.#state !== CLOSED) {
      this.#transition(CLOSED, 'reset', undefined);
    } else {
      this.#breaker.reset();
      this.#nextPeriod();
    }
  }

  /** The circuit's state as plain JSON (see {@link restore}). */
  snapshot(): BreakerSnapshot {
    const state = this.state;
    return takeCircuitSnapshot(this.#parts(), { state, isolated: this.#isolated, halfOpenAt: this.#halfOpenAt, lastTransitionAt: this.#lastTransitionAt });
  }

  /**
   * Load a snapshot taken by {@link snapshot} (possibly in another process): state, counters and
   * the breaker kind's outcomes (dropped if they were written by another kind). An open circuit
   * keeps its epoch `halfOpenAt`. Throws ConfigError for a malformed snapshot or another circuit's.
   */
  restore(snapshot: BreakerSnapshot): void {
    const s = restoreCircuitParts(this.#parts(), snapshot);
    const from = this.#state;
    const changed = from !== s.state || this.#isolated !== s.isolated;
    this.#state = s.state;
    this.#isolated = s.isolated;
    this.#nextPeriod();
    this.#probes?.clear();
    this.#halfOpenAt = s.halfOpenAt;
    this.#openUntil = s.openUntil;
    this.#lastTransitionAt = s.lastTransitionAt;
    this.#changed();
    if (changed && this.#stateChanges !== undefined) this.#stateChanges.fire({ from, to: s.state, at: s.at, reason: 'restored' });
  }

  /** What snapshots read and restores load into, besides the state fields (built on demand: not on a call path). */
  #parts(): CircuitParts {
    return { name: this.name, clock: this.#clock, counters: this.#counters, breaker: this.#breaker };
  }

  #measuring(): boolean {
    return (
      this.#timed ||
      (this.#successEvents !== undefined && this.#successEvents.size > 0) ||
      (this.#failureEvents !== undefined && this.#failureEvents.size > 0)
    );
  }

  /**
   * The hot path: a closed-state call that needs no clock. Settles through callbacks shared by the
   * whole closed period (created once per period), so a call allocates no closure.
   */
  #runUntimed<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, signal: AbortSignal | undefined): Promise<T> {
    let result: PromiseLike<T> | T;
    try {
      result = fn(callContext(signal));
    } catch (error) {
      this.#settle(false, error, this.#period, 0, Number.NaN);
      return Promise.reject(error);
    }
    if (this.#closedOk === undefined) this.#bindClosedPeriod();
    const onOk = this.#closedOk as (value: T) => T;
    if (result instanceof Promise) return (result as Promise<T>).then(onOk, this.#closedErr);
    if (isThenable(result)) return Promise.resolve(result).then(onOk, this.#closedErr);
    this.#settle(true, undefined, this.#period, 0, Number.NaN);
    return Promise.resolve(result);
  }

  #bindClosedPeriod(): void {
    const period = this.#period;
    this.#closedOk = (value) => {
      this.#settle(true, undefined, period, 0, Number.NaN);
      return value;
    };
    this.#closedErr = (error) => {
      this.#settle(false, error, period, 0, Number.NaN);
      throw error;
    };
  }

  /** Start a new state period: earlier calls' outcomes stop counting, per-period caches are dropped. */
  #nextPeriod(): void {
    this.#period++;
    this.#rejection = this.#rejected = undefined;
    this.#closedOk = this.#closedErr = undefined;
  }

  /** `probe` is 0 for a closed-state call; `start` is NaN when the call is not timed. */
  async #run<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, signal: AbortSignal | undefined, probe: number, start: number): Promise<T> {
    const period = this.#period;
    let result: T;
    try {
      result = await fn(callContext(signal));
    } catch (error) {
      this.#settle(false, error, period, probe, start);
      throw error;
    }
    this.#settle(true, undefined, period, probe, start);
    return result;
  }

  #settle(ok: boolean, error: unknown, period: number, probe: number, start: number): void {
    this.#changed();
    const counted = ok || isCountedFailure(this.options, error);
    let now = 0;
    let durationMs = Number.NaN;
    if (start === start) {
      now = this.#clock.now();
      durationMs = now - start;
    }
    const slow = counted && durationMs >= this.#breaker.slowCallDurationMs;
    this.#counters.record(ok, counted, slow);
    if (ok) {
      if (this.#successEvents !== undefined && this.#successEvents.size > 0) this.#successEvents.fire({ durationMs });
    } else if (this.#failureEvents !== undefined && this.#failureEvents.size > 0) {
      this.#failureEvents.fire({ error, counted, durationMs });
    }
    if (period !== this.#period) return; // the circuit changed state since this call was admitted
    if (probe === 0) {
      if (counted && (ok ? this.#breaker.success(slow, now) : this.#breaker.failure(slow, now))) this.#open('threshold');
      return;
    }
    const verdict = this.#probes!.settle(probe, counted, !ok || slow);
    if (verdict === 'reclaimed') return; // its slot was reclaimed after halfOpenProbeTimeoutMs
    this.#rejection = this.#rejected = undefined;
    if (verdict === 'failed') this.#open('probe_failed');
    else if (verdict === 'recovered') this.#transition(CLOSED, 'probe_succeeded', undefined);
  }

  #open(reason: CircuitTransitionReason): void {
    const recovery = this.options.recoveryTimeoutMs;
    this.#openUntil = this.#clock.now() + recovery;
    this.#transition(OPEN, reason, this.#clock.wallNow() + recovery);
  }

  #transition(to: CircuitState, reason: CircuitTransitionReason, halfOpenAt: number | undefined): void {
    this.#changed();
    const from = this.#state;
    const at = this.#clock.wallNow();
    this.#state = to;
    this.#nextPeriod();
    this.#halfOpenAt = halfOpenAt;
    this.#probes?.clear();
    if (to === CLOSED) this.#breaker.reset();
    this.#lastTransitionAt = at;
    if (this.#stateChanges !== undefined) this.#stateChanges.fire({ from, to, at, reason });
  }

  /** Tell the registry's change log (once until someone reads it) that the stats or state changed. */
  #changed(): void {
    const log = this._changes;
    if (log !== undefined && this.#logged < log.drained) this.#logged = log.append(this);
  }

  /** Lazily move an open circuit whose recovery timeout has passed to half-open. */
  #refresh(): void {
    if (this.#state === OPEN && !this.#isolated && this.#clock.now() >= this.#openUntil) {
      this.#transition(HALF_OPEN, 'recovery_timeout', undefined);
    }
  }

  #reject(): Promise<never> {
    this.#counters.rejections++;
    this.#changed();
    let rejected = this.#rejected;
    if (rejected === undefined) {
      this.#rejection = this.#rejectionError();
      rejected = this.#rejected = handledRejection(this.#rejection);
    }
    if (this.#rejectEvents !== undefined && this.#rejectEvents.size > 0) {
      this.#rejectEvents.fire({ error: this.#rejection!, state: this.#state });
    }
    return rejected;
  }

  /** Open, or half-open with every probe slot taken. */
  #rejectionError(): BrokenCircuitError {
    return this.#state === OPEN ? openCircuitError(this.name, this.#isolated, this.#halfOpenAt) : saturatedProbesError(this.name, this.#probes!, this.#clock);
  }
}
