import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** A 5xx answer, an in-stream server error, or a response that could not be parsed. Transient. */
export class LlmServerError extends LlmError {
  constructor(message: string, details: LlmErrorDetails) {
    super(message, details, { kind: 'transient' }, 'LlmServerError');
  }
}
