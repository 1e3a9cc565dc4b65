import type { PolicyContext } from '../policy/policy.js';
import { NEVER_ABORTED_SIGNAL, PEEK_SIGNAL, peekSignal, type LayerExecuteOptions } from '../wrap/execute-options.js';

/** The context of attempt 1 when the caller passed no options: shared, so it costs nothing. */
export const FIRST_ATTEMPT_CONTEXT: PolicyContext = Object.freeze({ signal: NEVER_ABORTED_SIGNAL, attempt: 1 });

/** A retry attempt's context: forwards the caller's (possibly lazy) signal without reading it. */
export class RetryContext implements PolicyContext {
  readonly attempt: number;
  readonly #parent: LayerExecuteOptions | undefined;

  constructor(parent: LayerExecuteOptions | undefined, attempt: number) {
    this.#parent = parent;
    this.attempt = attempt;
  }

  get signal(): AbortSignal {
    return this.#parent?.signal ?? NEVER_ABORTED_SIGNAL;
  }

  [PEEK_SIGNAL](): AbortSignal | undefined {
    return peekSignal(this.#parent);
  }
}
