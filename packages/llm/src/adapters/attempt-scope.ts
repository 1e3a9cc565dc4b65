import type { Clock, TimerHandle } from '@rampart/core';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import type { Attempt } from './adapter.js';

/**
 * One attempt's signal: aborts when the caller's signal does or when `timeoutMs` passes on `clock`
 * (then with an {@link LlmTimeoutError}). `restartTimer()` re-arms the timeout (a stream's idle
 * timeout between chunks); `dispose()` clears the timer and the listener.
 */
export class AttemptScope implements Attempt {
  readonly model: string;
  readonly timeoutMs: number;
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #provider: string;
  readonly #outer: AbortSignal | undefined;
  #timer: TimerHandle | undefined;
  #timedOut = false;
  readonly #onOuterAbort = () => this.#controller.abort(this.#outer?.reason);

  constructor(provider: string, model: string, timeoutMs: number, clock: Clock, outer?: AbortSignal) {
    this.#provider = provider;
    this.model = model;
    this.timeoutMs = timeoutMs;
    this.#clock = clock;
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
    this.restartTimer();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  restartTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    if (this.#controller.signal.aborted) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timedOut = true;
      this.#controller.abort(new LlmTimeoutError(`${this.#provider}: no answer within ${this.timeoutMs} ms`, { provider: this.#provider, timeoutMs: this.timeoutMs }));
    }, this.timeoutMs);
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
  }
}
