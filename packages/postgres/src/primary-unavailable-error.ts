import { FailureMeaning, RampartError, type ErrorClassification } from '@rampart/core';

/**
 * A write that no server may take. Either the DATABASE fallback chain routed it to another server
 * while the primary is down and writes do not fail over (`allowWriteFailover` is off:
 * `refusedProvider` names that server), or no server is known to be a writable primary right now
 * (its last check failed, found it a standby, or fenced it: `refusedProvider` is undefined and the
 * write was sent nowhere, or was abandoned while under way). Classified as permanent for the request, so the chain stops here; `cause`
 * is the primary's last error.
 */
export class PrimaryUnavailableError extends RampartError {
  /** The server taken for the primary. */
  readonly primary: string;
  /** The server the write was kept from; undefined when it was sent nowhere. */
  readonly refusedProvider: string | undefined;
  /** The request's fault (`FailureMeaning.requestFault()`), set when it is created. */
  declare readonly rampartClassification: ErrorClassification;

  /**
   * `abandoned`: the write was under way when a check found its primary gone, and was given up; if
   * it had reached the server, it may have been committed there.
   */
  constructor(primary: string, refusedProvider: string | undefined, cause: unknown, servers?: string, abandoned = false) {
    super(
      abandoned
        ? `Write abandoned: a check found the primary "${primary}" gone while the write was under way; if it had reached the server it may have been committed (${servers ?? ''})`
        : refusedProvider === undefined
        ? `Write not sent: no server is known to be a writable primary (${servers ?? `"${primary}" is unavailable`})`
        : `Write not sent to "${refusedProvider}": the primary "${primary}" is unavailable and writes do not fail over to replicas (set allowWriteFailover to allow it)`,
      { cause, code: 'PrimaryUnavailableError', classification: FailureMeaning.requestFault() },
    );
    this.primary = primary;
    this.refusedProvider = refusedProvider;
  }
}
