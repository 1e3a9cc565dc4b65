import { LlmError, type LlmErrorDetails } from './llm-error.js';

/** The provider did not answer within the attempt's `timeoutMs`. Classified as `timeout`. */
export class LlmTimeoutError extends LlmError {
  readonly timeoutMs: number | undefined;

  constructor(message: string, details: LlmErrorDetails & { timeoutMs?: number | undefined }) {
    super(message, details, { kind: 'timeout' }, 'LlmTimeoutError');
    this.timeoutMs = details.timeoutMs;
  }
}
