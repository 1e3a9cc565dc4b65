import { FailureMeaning, type ErrorClassification } from '@rampart/core';
import { isConnectFailure } from './connect-failure.js';

/** How Rampart treats an error from pg, and whether it says something about the server itself. */
export interface PgErrorVerdict {
  classification: ErrorClassification;
  /** The server (not the statement) failed: report it against this primary/replica and fail over. */
  providerFailure: boolean;
  /** The connection died under the call (killed backend, reset socket): a fresh one may work. */
  connectionLost: boolean;
}

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT',
]);
const LOST_MESSAGES = /Connection terminated|Client has encountered a connection error|connection timeout|timeout exceeded when trying to connect/i;

const READ_ONLY = FailureMeaning.unusableFor('write');

const verdict = (classification: ErrorClassification, providerFailure: boolean, connectionLost = false): PgErrorVerdict => ({
  classification,
  providerFailure,
  connectionLost,
});

/**
 * Classify an error thrown by pg. SQLSTATE classes: 08 (connection exception), 57P01–57P03
 * (shutdown, cannot connect now), 53 (insufficient resources) → transient, a server failure;
 * 28 (auth), 3D000 (no such database) → permanent for this server only (scope 'provider'); 25006
 * (read-only: the server is a standby) → unusable for writes only (`FailureMeaning.unusableFor('write')`:
 * writes leave the server out for a while, reads keep it); 40001/40P01 (serialization, deadlock) → transient, the
 * server is fine; 57014 (statement timeout) → timeout; other SQLSTATEs (syntax, constraint, data)
 * → permanent for the request. Socket errors and pg's "Connection terminated" → transient, a
 * lost connection. Any other failure to get a connection ({@link isConnectFailure}, or
 * `options.connectFailure`; e.g. 55000 "not currently accepting connections") is a transient server failure.
 */
export function classifyPgError(error: unknown, options?: { connectFailure?: boolean }): PgErrorVerdict {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code);
  if ((options?.connectFailure ?? isConnectFailure(error)) && !(sqlState && (code!.startsWith('28') || code === '3D000'))) {
    // the server refused or dropped a new connection (not accepting connections, starting up, full)
    return verdict({ kind: 'transient' }, true, true);
  }
  if (sqlState && code) {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') {
      return verdict({ kind: 'transient' }, true, true);
    }
    if (code.startsWith('53')) return verdict({ kind: 'transient' }, true);
    if (code.startsWith('28') || code === '3D000') return verdict({ kind: 'permanent', scope: 'provider' }, true);
    if (code === '25006') return verdict(READ_ONLY, true);
    if (code === '40001' || code === '40P01') return verdict({ kind: 'transient' }, false);
    if (code === '57014') return verdict({ kind: 'timeout' }, false);
    return verdict({ kind: 'permanent', scope: 'request' }, false);
  }
  const aggregated = Array.isArray(e.errors) ? (e.errors as Array<{ code?: unknown }>) : [];
  if ((code && NETWORK_CODES.has(code)) || aggregated.some((x) => typeof x?.code === 'string' && NETWORK_CODES.has(x.code))) {
    return verdict({ kind: 'transient' }, true, true);
  }
  if (typeof e.message === 'string' && LOST_MESSAGES.test(e.message)) return verdict({ kind: 'transient' }, true, true);
  return verdict({ kind: 'transient' }, false);
}
