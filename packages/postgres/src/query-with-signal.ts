import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { classifyPgError } from './classify-pg-error.js';
import { markConnectFailure } from './connect-failure.js';

export { isConnectFailure } from './connect-failure.js';

/**
 * Run one query on a pooled connection under an AbortSignal. pg cannot cancel a query in
 * flight, so on abort the connection is destroyed (released with an error: the pool drops it),
 * which ends the wait at once; a connection that arrives after the abort is destroyed as well.
 * A connection that was lost under the statement (killed backend, server shutdown, reset socket)
 * is destroyed too: pg reports the server's FATAL error before the socket closes, and a client
 * released in between would go back to the pool and be handed to the next caller dead.
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
    const release = (drop?: Error) => {
      if (!client || released) return;
      released = true;
      client.off('error', ignore);
      client.release(drop);
    };
    const onAbort = () => {
      release(new Error('query aborted: connection dropped'));
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
        if (signal.aborted) return release(new Error('query aborted: connection dropped'));
        try {
          const result = await c.query<R>(config);
          release();
          resolve(result);
        } catch (error) {
          // a statement error leaves the connection usable; a lost connection must never go back
          release(classifyPgError(error).connectionLost ? new Error('connection lost: dropped') : undefined);
          reject(error);
        }
      }, (error: unknown) => reject(markConnectFailure(error)))
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function ignore(): void {}
