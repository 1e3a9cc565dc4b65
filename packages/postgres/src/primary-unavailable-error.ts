import { FailureMeaning, RampartError, type ErrorClassification } from '@rampart/core';

/**
 * A write was routed to a replica by the DATABASE fallback chain while the primary is down, and
 * writes do not fail over (`allowWriteFailover` is off). Classified as permanent for the request,
 * so the chain stops here; `cause` is the primary's last error.
 */
export class PrimaryUnavailableError extends RampartError {
  readonly primary: string;
  readonly refusedProvider: string;
  /** The request's fault (`FailureMeaning.requestFault()`), set when it is created. */
  declare readonly rampartClassification: ErrorClassification;

  constructor(primary: string, refusedProvider: string, cause: unknown) {
    super(
      `Write not sent to "${refusedProvider}": the primary "${primary}" is unavailable and writes do not fail over to replicas (set allowWriteFailover to allow it)`,
      { cause, code: 'PrimaryUnavailableError', classification: FailureMeaning.requestFault() },
    );
    this.primary = primary;
    this.refusedProvider = refusedProvider;
  }
}
