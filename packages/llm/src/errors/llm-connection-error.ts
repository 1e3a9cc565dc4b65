import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** No (complete) answer: connection refused or reset, or a stream that ended without its terminal event. Transient. */
export class LlmConnectionError extends LlmError {
  constructor(message: string, details: LlmErrorDetails) {
    super(message, details, { kind: 'transient' }, 'LlmConnectionError');
  }
}
