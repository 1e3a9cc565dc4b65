/** The four classes every error falls into; policies decide through them. */
export type ErrorKind = 'transient' | 'permanent' | 'timeout' | 'rate_limited';

/**
 * How an error should be treated: what the failure means, decided by whoever creates the error
 * (see `FailureMeaning` for the four meanings and `RampartError`'s `classification` option).
 * `scope` only matters for permanent errors:
 * `'provider'` = permanent for this provider/replica/server only (auth failure, permission,
 * context window too small), so fallback chains skip RETRY and go on to SWITCH_PROVIDER;
 * `'operation'` = this provider cannot take this kind of operation only (`operation`, e.g. a write
 * on a read-only standby): the chain switches, and the provider is left out of calls of that
 * operation for a cooldown while it keeps taking the others (no provider cooldown, no breaker failure);
 * `'request'` (the default when absent) = the request itself is bad: no fallback, rethrow.
 */
export interface ErrorClassification {
  kind: ErrorKind;
  /** How long the server asked us to wait, in ms (from `retryAfterMs` or Retry-After headers). */
  retryAfterMs?: number;
  scope?: 'request' | 'provider' | 'operation';
  /**
   * With `scope: 'operation'` (and only then, where it is required): the kind of operation the
   * provider cannot take, as calls name it in `execute`'s `operation` option (`'write'`, …).
   */
  operation?: string;
  /**
   * The provider itself is gone for now (connection refused, host unreachable, its process
   * exited): a retry of the same provider cannot help soon, so a fallback chain skips RETRY and
   * switches at once when another provider may take the call. Set by whoever creates the error.
   */
  providerDown?: boolean;
  /**
   * `false`: retrying the same call now cannot succeed, because a guard refused it without running it
   * and keeps refusing for a while (an open circuit: `BrokenCircuitError`). Retry policies do not
   * retry it by default (a `retryOn` of your own decides otherwise); it is not permanent, so breakers
   * count it and queued requests stay queued. Absent: decided by `kind`.
   */
  retryable?: false;
}

/** A user classifier: return a classification to decide, or undefined to pass to the next one. */
export type ErrorClassifier = (err: unknown) => ErrorClassification | undefined;

const KINDS: ReadonlySet<string> = new Set(['transient', 'permanent', 'timeout', 'rate_limited']);

/** True when `value` is a well-formed {@link ErrorClassification}. */
export function isErrorClassification(value: unknown): value is ErrorClassification {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.kind !== 'string' || !KINDS.has(v.kind)) return false;
  if (v.retryAfterMs !== undefined && !(typeof v.retryAfterMs === 'number' && v.retryAfterMs >= 0)) return false;
  if (v.providerDown !== undefined && typeof v.providerDown !== 'boolean') return false;
  if (v.retryable !== undefined && v.retryable !== false) return false;
  if (v.scope === 'operation') return typeof v.operation === 'string' && v.operation.length > 0;
  if (v.operation !== undefined) return false;
  return v.scope === undefined || v.scope === 'request' || v.scope === 'provider';
}
