import { FailureMeaning, RampartError } from '@rampart/core';

/** What a stream had delivered when it failed. */
export interface StreamInterruptedDetails {
  /** The model (its name in the resilient model's list) whose stream failed. */
  model: string;
  /** The text streamed so far (text deltas, in order). */
  textSoFar: string;
  /** Number of stream parts the caller had received. */
  partsSoFar: number;
  /** A tool call had started (its input streaming or complete) when the stream failed. */
  toolCallStarted: boolean;
  cause: unknown;
}

/**
 * A stream failed after the caller had seen output (a cut connection, an in-band error event, an end
 * without its finish part, no next chunk within the timeout). Nothing is retried or spliced on (that
 * would duplicate or mix output): it carries what was received. Its meaning, fixed here, is the
 * request's: an outer fallback chain rethrows it rather than run the call again.
 */
export class StreamInterruptedError extends RampartError {
  readonly model: string;
  readonly textSoFar: string;
  readonly partsSoFar: number;
  readonly toolCallStarted: boolean;

  constructor(details: StreamInterruptedDetails) {
    const cause = details.cause instanceof Error ? details.cause.message : String(details.cause);
    super(`The stream of model "${details.model}" failed after ${details.partsSoFar} parts (${details.textSoFar.length} characters of text) had been delivered: ${cause}`, {
      cause: details.cause,
      code: 'StreamInterruptedError',
      classification: FailureMeaning.requestFault(),
    });
    this.model = details.model;
    this.textSoFar = details.textSoFar;
    this.partsSoFar = details.partsSoFar;
    this.toolCallStarted = details.toolCallStarted;
  }
}
