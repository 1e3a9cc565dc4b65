import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** HTTP 401/403: the key is wrong or lacks permission. Permanent for this provider: switch, never retry. */
export class LlmAuthError extends LlmError {
  constructor(message: string, details: LlmErrorDetails) {
    super(message, details, { kind: 'permanent', scope: 'provider' }, 'LlmAuthError');
  }
}
