import type { Clock, TimerHandle } from '../clock/clock.js';
import { HedgeLostError } from '../errors/hedge-lost-error.js';
import { HedgingExhaustedError } from '../errors/hedging-exhausted-error.js';
import { withoutStack } from '../errors/rampart-error.js';
import type { EventEmitter } from '../events/event.js';
import type { PolicyContext } from '../policy/policy.js';
import { abortReason, isThenable } from '../wrap/execute-options.js';
import { HedgeAttempt } from './hedge-attempt.js';

/** Why a hedged attempt was started: its predecessor was slow, or failed with a handled error. */
export type HedgeTrigger = 'delay' | 'error';

export interface HedgeEvent {
  /** The attempt being started (≥ 2). */
  readonly attempt: number;
  /** Ms since the call started. */
  readonly afterMs: number;
  readonly trigger: HedgeTrigger;
}

export interface AttemptLostEvent {
  /** The attempt aborted because another succeeded first. */
  readonly attempt: number;
  /** The attempt that succeeded. */
  readonly winner: number;
}

/** Decide whether a failed attempt starts the next one at once: `attempt` is the one that failed. */
export type HedgePredicate = (error: unknown, attempt: number) => boolean;

/** What a {@link HedgedCall} reads from its policy. */
export interface HedgedCallOwner {
  readonly clock: Clock;
  readonly options: {
    readonly delayMs: number;
    readonly maxHedgedAttempts: number;
    readonly handle: HedgePredicate;
  };
  /** @internal */ readonly _onHedge: EventEmitter<HedgeEvent>;
  /** @internal */ readonly _onAttemptLost: EventEmitter<AttemptLostEvent>;
}

/**
 * One call of a hedging policy: starts attempts, races them, settles once, and leaves nothing
 * behind (its timer is cleared and its listener on the caller's signal removed when it settles).
 */
export class HedgedCall<T> {
  readonly #owner: HedgedCallOwner;
  readonly #fn: (context: PolicyContext) => PromiseLike<T> | T;
  readonly #signal: AbortSignal | undefined;
  readonly #maxAttempts: number;
  readonly #attempts: HedgeAttempt[] = [];
  readonly #errors: unknown[] = [];
  #startedAt = 0;
  #inFlight = 0;
  /** A failure the policy does not handle was seen: no further attempt starts. */
  #stopped = false;
  #settled = false;
  #timer: TimerHandle | undefined;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  readonly #onAbort = (): void => this.#abortAll();

  constructor(owner: HedgedCallOwner, fn: (context: PolicyContext) => PromiseLike<T> | T, signal: AbortSignal | undefined) {
    this.#owner = owner;
    this.#fn = fn;
    this.#signal = signal;
    this.#maxAttempts = 1 + owner.options.maxHedgedAttempts;
  }

  run(): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#startedAt = this.#owner.clock.now();
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#start('delay');
    // delayMs 0: every attempt at once
    while (this.#owner.options.delayMs === 0 && this.#canStart()) this.#start('delay');
    return promise;
  }

  #canStart(): boolean {
    return !this.#settled && !this.#stopped && this.#attempts.length < this.#maxAttempts;
  }

  #start(trigger: HedgeTrigger): void {
    const attempt = new HedgeAttempt(this.#attempts.length + 1);
    this.#attempts.push(attempt);
    this.#inFlight++;
    if (attempt.attempt > 1) {
      this.#owner._onHedge.fire({ attempt: attempt.attempt, afterMs: this.#owner.clock.now() - this.#startedAt, trigger });
    }
    let result: PromiseLike<T> | T;
    try {
      result = this.#fn(attempt);
    } catch (error) {
      this.#failed(attempt, error);
      return;
    }
    if (!isThenable<T>(result)) {
      this.#succeeded(attempt, result);
      return;
    }
    Promise.resolve(result).then(
      (value) => this.#succeeded(attempt, value),
      (error: unknown) => this.#failed(attempt, error),
    );
    // the next hedge is due delayMs after the latest attempt started
    if (attempt.attempt === this.#attempts.length) this.#schedule();
  }

  #schedule(): void {
    this.#clearTimer();
    const { delayMs } = this.#owner.options;
    if (delayMs === 0 || delayMs === Number.POSITIVE_INFINITY || !this.#canStart()) return;
    this.#timer = this.#owner.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#canStart()) this.#start('delay');
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#owner.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #succeeded(attempt: HedgeAttempt, value: T): void {
    attempt.settled = true;
    if (this.#settled) return;
    this.#inFlight--;
    this.#finish();
    this.#resolve(value);
    if (this.#inFlight === 0) return;
    const lost = withoutStack(() => new HedgeLostError(attempt.attempt));
    for (const other of this.#attempts) {
      if (other.settled) continue;
      other.abort(lost);
      this.#owner._onAttemptLost.fire({ attempt: other.attempt, winner: attempt.attempt });
    }
  }

  #failed(attempt: HedgeAttempt, error: unknown): void {
    attempt.settled = true;
    if (this.#settled) return;
    this.#inFlight--;
    this.#errors.push(error);
    if (!this.#owner.options.handle(error, attempt.attempt)) {
      this.#stopped = true;
      this.#clearTimer();
    } else if (this.#canStart()) {
      this.#start('error');
      return;
    }
    if (this.#inFlight > 0) return;
    this.#finish();
    const errors = this.#errors;
    if (!this.#stopped) this.#reject(new HedgingExhaustedError(errors, 'max_attempts'));
    else this.#reject(errors.length === 1 ? errors[0] : new HedgingExhaustedError(errors, 'not_handled'));
  }

  /** The caller's signal aborted: every attempt is aborted with its reason, and so is the call. */
  #abortAll(): void {
    if (this.#settled) return;
    const reason = abortReason(this.#signal!);
    this.#finish();
    for (const attempt of this.#attempts) if (!attempt.settled) attempt.abort(reason);
    this.#reject(reason);
  }

  #finish(): void {
    this.#settled = true;
    this.#clearTimer();
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}
