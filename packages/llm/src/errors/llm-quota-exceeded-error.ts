import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * The account's quota or credit is used up (OpenAI 429 `insufficient_quota`, HTTP 402, Anthropic
 * `billing_error`): waiting will not help. Permanent for this provider: switch.
 */
export class LlmQuotaExceededError extends LlmError {
  constructor(message: string, details: LlmErrorDetails) {
    super(message, details, { kind: 'permanent', scope: 'provider' }, 'LlmQuotaExceededError');
  }
}
