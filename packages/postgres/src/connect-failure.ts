/**
 * Errors pg raised while opening or checking out a connection (not by a statement), as
 * `queryWithSignal` saw them. Kept beside the errors, not on them: pg's errors are never modified.
 */
const connectFailures = new WeakSet<object>();

/** Whether `error` was raised while opening/checking out the connection (not by the statement). */
export function isConnectFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && connectFailures.has(error);
}

/** Note that `error` was a failure to get a connection (see {@link isConnectFailure}); returns it unchanged. */
export function markConnectFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null) connectFailures.add(error);
  return error;
}
