import { registerErrorClassifier, type Disposable, type ErrorClassifier } from '@rampart/core';
import pg from 'pg';
import { classifyPgError } from './classify-pg-error.js';
import { isConnectFailure } from './connect-failure.js';

/**
 * What pg's own errors mean, by SQLSTATE or socket code ({@link classifyPgError}): a classifier
 * registered with core's `classifyError` while a ResilientPool is open, so that retries, fallback
 * chains and breakers read the same meaning without pg's errors being modified. It answers only for
 * pg's `DatabaseError`s and failures to get a connection; every other error passes on.
 */
export const pgErrorClassifier: ErrorClassifier = (error) =>
  error instanceof pg.DatabaseError || isConnectFailure(error) ? classifyPgError(error).classification : undefined;

let users = 0;
let registration: Disposable | undefined;

/** Register {@link pgErrorClassifier} (once, however many pools use it); dispose the result when done with it. */
export function usePgErrorClassifier(): Disposable {
  if (users++ === 0) registration = registerErrorClassifier(pgErrorClassifier);
  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      if (--users === 0) {
        registration?.dispose();
        registration = undefined;
      }
    },
  };
}
