import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * A stream failed after its first token. The caller has already seen `textSoFar`, so Rampart neither
 * retries nor switches (that would repeat or splice text): permanent for the request. `cause` is the
 * underlying {@link LlmError} (connection cut, in-band error event, missing terminal event).
 */
export class StreamInterruptedError extends LlmError {
  /** All text streamed before the failure. */
  readonly textSoFar: string;
  readonly model: string;

  constructor(details: LlmErrorDetails & { textSoFar: string; model: string }) {
    super(
      `Stream from ${details.provider} (${details.model}) was interrupted after ${details.textSoFar.length} characters`,
      details,
      { kind: 'permanent', scope: 'request' },
      'StreamInterruptedError',
    );
    this.textSoFar = details.textSoFar;
    this.model = details.model;
  }
}
