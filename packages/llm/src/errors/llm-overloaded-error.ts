import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** The provider is overloaded (Anthropic 529 `overloaded_error`, HTTP 503). Transient; the provider cools down. */
export class LlmOverloadedError extends LlmError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: LlmErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details, details.retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs: details.retryAfterMs });
    this.retryAfterMs = details.retryAfterMs;
  }
}
