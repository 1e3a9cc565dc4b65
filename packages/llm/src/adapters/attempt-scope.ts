import { deadline, type Clock, type Deadline } from '@rampart/core';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import type { Attempt } from './adapter.js';

/**
 * One attempt's signal: aborts when the caller's signal does or when `timeoutMs` passes on `clock`
 * (then with an {@link LlmTimeoutError}); core's {@link deadline} on the clock's shared scheduler.
 * `restartTimer()` moves the deadline (a stream's idle timeout between chunks); `dispose()`
 * releases it and the listener.
 */
export class AttemptScope implements Attempt {
  readonly model: string;
  readonly timeoutMs: number;
  readonly #limit: Deadline;

  constructor(provider: string, model: string, timeoutMs: number, clock: Clock, outer?: AbortSignal) {
    this.model = model;
    this.timeoutMs = timeoutMs;
    this.#limit = deadline(clock, timeoutMs, {
      signal: outer,
      error: () => new LlmTimeoutError(`${provider}: no answer within ${timeoutMs} ms`, { provider, timeoutMs }),
    });
  }

  get signal(): AbortSignal {
    return this.#limit.signal;
  }

  get timedOut(): boolean {
    return this.#limit.expired;
  }

  restartTimer(): void {
    this.#limit.restart();
  }

  dispose(): void {
    this.#limit.dispose();
  }
}
