import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** HTTP 429: the provider's rate limit was hit. `retryAfterMs` is the server's ask, bounded by `maxRetryAfterMs`. */
export class LlmRateLimitError extends LlmError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: LlmErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details, details.retryAfterMs === undefined ? { kind: 'rate_limited' } : { kind: 'rate_limited', retryAfterMs: details.retryAfterMs }, 'LlmRateLimitError');
    this.retryAfterMs = details.retryAfterMs;
  }
}
