import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';

const CONNECT_FAILURE = Symbol.for('rampart.postgres.connectFailure');

/** Whether `error` was raised while opening/checking out the connection (not by the statement). */
export function isConnectFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[CONNECT_FAILURE] === true;
}

function markConnectFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, CONNECT_FAILURE, { value: true, configurable: true });
  }
  return error;
}

/**
 * Run one query on a pooled connection under an AbortSignal. pg cannot cancel a query in
 * flight, so on abort the connection is destroyed (released with an error: the pool drops it),
 * which ends the wait at once; a connection that arrives after the abort is destroyed as well.
 * Rejects with the signal's reason on abort; a failure to get a connection is marked (see
 * {@link isConnectFailure}).
 */
export function queryWithSignal<R extends QueryResultRow = QueryResultRow>(
  pool: Pool,
  config: QueryConfig,
  signal: AbortSignal,
): Promise<QueryResult<R>> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<QueryResult<R>>((resolve, reject) => {
    let client: PoolClient | undefined;
    let released = false;
    const release = (destroy: boolean) => {
      if (!client || released) return;
      released = true;
      client.off('error', ignore);
      client.release(destroy ? new Error('query aborted: connection dropped') : undefined);
    };
    const onAbort = () => {
      release(true);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pool
      .connect()
      .then(async (c) => {
        client = c;
        // a checked-out client whose connection drops emits 'error' (the query rejects as well):
        // without a listener that would be an uncaught exception
        c.on('error', ignore);
        if (signal.aborted) return release(true);
        try {
          const result = await c.query<R>(config);
          release(false);
          resolve(result);
        } catch (error) {
          // pg-pool drops a connection that is no longer queryable by itself
          release(false);
          reject(error);
        }
      }, (error: unknown) => reject(markConnectFailure(error)))
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function ignore(): void {}
