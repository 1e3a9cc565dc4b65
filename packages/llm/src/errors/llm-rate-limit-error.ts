import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** HTTP 429: the provider's rate limit was hit. `retryAfterMs` is the server's ask, bounded by `maxRetryAfterMs`. */
export class LlmRateLimitError extends LlmError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: LlmErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details, details.retryAfterMs === undefined ? { kind: 'rate_limited' } : { kind: 'rate_limited', retryAfterMs: details.retryAfterMs });
    this.retryAfterMs = details.retryAfterMs;
  }

  /** True once {@link preferSwitch} ran: another provider was available when this error happened. */
  get switchPreferred(): boolean {
    return this.rampartClassification.kind === 'permanent';
  }

  /**
   * Classify as permanent for this provider (scope 'provider'), so that a fallback chain switches to
   * another provider at once instead of retrying this one after retry-after. ResilientLLM calls it
   * when another provider is available.
   */
  preferSwitch(): void {
    this.reclassify(this.retryAfterMs === undefined ? { kind: 'permanent', scope: 'provider' } : { kind: 'permanent', scope: 'provider', retryAfterMs: this.retryAfterMs });
  }
}
