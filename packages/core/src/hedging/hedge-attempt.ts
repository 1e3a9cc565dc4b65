import type { PolicyContext } from '../policy/policy.js';

/**
 * The context one hedged attempt's function receives. Its `signal` is created on first read (an
 * attempt that never reads it costs no AbortController); aborting an attempt before that read
 * makes the signal it later gets already aborted, with the same reason.
 *
 * It deliberately has no lazy "peek" for `wrap`: a layer inside the hedge reads `signal` itself,
 * so it sees the attempt being aborted when it loses the race.
 */
export class HedgeAttempt implements PolicyContext {
  /** 1 for the first attempt, 2 for the first hedge, … */
  readonly attempt: number;
  /** Whether this attempt's function has settled (or thrown). */
  settled = false;
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  constructor(attempt: number) {
    this.attempt = attempt;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Abort this attempt's signal (or the one it will get) with `reason`. Idempotent. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
