const CONNECT_FAILURE = Symbol.for('rampart.postgres.connectFailure');

/** Whether `error` was raised while opening/checking out the connection (not by the statement). */
export function isConnectFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[CONNECT_FAILURE] === true;
}

/** Mark `error` as a failure to get a connection (see {@link isConnectFailure}); returns it. */
export function markConnectFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, CONNECT_FAILURE, { value: true, configurable: true });
  }
  return error;
}
