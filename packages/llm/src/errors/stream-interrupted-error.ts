import type { StreamContinuedFrom } from '../types.js';
import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * A stream failed after its first token. The caller has already seen `textSoFar`, so Rampart neither
 * retries nor switches (that would repeat or splice text), unless the LLM's `streamResume` is
 * `'continue'`: then one continuation of the text was tried first, and this error means it failed
 * too. Permanent for the request. `cause` is the underlying {@link LlmError} of the stream that
 * failed (connection cut, in-band error event, missing terminal event, idle timeout).
 */
export class StreamInterruptedError extends LlmError {
  /** All text streamed before the failure (with a continuation: the interrupted stream's and the continuation's). */
  readonly textSoFar: string;
  readonly model: string;
  /** True when a tool call had begun (such a stream is never continued). */
  readonly toolCallStarted: boolean;
  /** Set when the stream that failed was a continuation: the interrupted stream it carried on from. */
  readonly continuedFrom: StreamContinuedFrom | undefined;
  /** Why no continuation could start (`streamResume: 'continue'`: every provider failed before its first token). */
  readonly continuationError: unknown;

  constructor(
    details: LlmErrorDetails & { textSoFar: string; model: string; toolCallStarted?: boolean; continuedFrom?: StreamContinuedFrom | undefined; continuationError?: unknown },
  ) {
    const continued = details.continuationError === undefined ? '' : '; no continuation could start';
    super(
      `Stream from ${details.provider} (${details.model}) was interrupted after ${details.textSoFar.length} characters${continued}`,
      details,
      { kind: 'permanent', scope: 'request' },
      'StreamInterruptedError',
    );
    this.textSoFar = details.textSoFar;
    this.model = details.model;
    this.toolCallStarted = details.toolCallStarted ?? false;
    this.continuedFrom = details.continuedFrom;
    this.continuationError = details.continuationError;
  }
}
