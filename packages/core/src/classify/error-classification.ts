/** The four classes every error falls into; policies decide through them. */
export type ErrorKind = 'transient' | 'permanent' | 'timeout' | 'rate_limited';

/**
 * How an error should be treated. `scope` only matters for permanent errors:
 * `'provider'` = permanent for this provider/replica/server only (auth failure, permission,
 * context window too small), so fallback chains skip RETRY and go on to SWITCH_PROVIDER;
 * `'request'` (the default when absent) = the request itself is bad: no fallback, rethrow.
 */
export interface ErrorClassification {
  kind: ErrorKind;
  /** How long the server asked us to wait, in ms (from `retryAfterMs` or Retry-After headers). */
  retryAfterMs?: number;
  scope?: 'request' | 'provider';
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
  return v.scope === undefined || v.scope === 'request' || v.scope === 'provider';
}
