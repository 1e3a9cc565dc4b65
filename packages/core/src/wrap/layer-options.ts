import type { PolicyContext } from '../policy/policy.js';
import { NEVER_ABORTED_SIGNAL, PEEK_SIGNAL, peekSignal, type LayerExecuteOptions } from './execute-options.js';

/**
 * What `wrap` hands an inner layer (and the innermost function) when the enclosing layer's
 * context cannot be passed as is: it forwards that context's signal lazily and carries the
 * retry's attempt number and the caller's rate-limiter weight.
 */
export class LayerOptions implements LayerExecuteOptions, PolicyContext {
  readonly #context: LayerExecuteOptions;
  readonly attempt: number;
  readonly weight: number | undefined;

  /** `context`: the enclosing layer's context (or the caller's options, for an empty wrap). */
  constructor(context: LayerExecuteOptions, attempt: number, weight: number | undefined) {
    this.#context = context;
    this.attempt = attempt;
    this.weight = weight;
  }

  get signal(): AbortSignal {
    return this.#context.signal ?? NEVER_ABORTED_SIGNAL;
  }

  [PEEK_SIGNAL](): AbortSignal | undefined {
    return peekSignal(this.#context);
  }
}
