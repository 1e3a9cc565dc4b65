import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * The prompt does not fit the model's context window (OpenAI code `context_length_exceeded`,
 * Anthropic "prompt is too long"). Permanent for this provider/model: switch to one with a larger window.
 */
export class LlmContextLengthError extends LlmError {
  constructor(message: string, details: LlmErrorDetails) {
    super(message, details, { kind: 'permanent', scope: 'provider' }, 'LlmContextLengthError');
  }
}
