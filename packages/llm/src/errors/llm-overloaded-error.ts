import { FailureMeaning } from '@rampart/core';
import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * The provider is overloaded (Anthropic 529 `overloaded_error`, HTTP 503). Means the provider is down
 * for now (`FailureMeaning.providerDown`): transient, the provider cools down, and a chain switches
 * at once when another provider may take the call.
 */
export class LlmOverloadedError extends LlmError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: LlmErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details, FailureMeaning.providerDown({ retryAfterMs: details.retryAfterMs }), 'LlmOverloadedError');
    this.retryAfterMs = details.retryAfterMs;
  }
}
