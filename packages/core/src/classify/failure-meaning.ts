import { ConfigError } from '../errors/config-error.js';
import type { ErrorClassification } from './error-classification.js';

/** Options of the meanings a retry-after may come with. */
export interface RetryAfterOptions {
  /** How long the provider asked to be left alone, ms (a Retry-After header). */
  retryAfterMs?: number | undefined;
}

/** Options of {@link FailureMeaning.retryable}. */
export interface RetryableOptions extends RetryAfterOptions {
  /** Which kind of passing failure it is (metrics and logs tell them apart). Default `'transient'`. */
  kind?: 'transient' | 'timeout' | 'rate_limited' | undefined;
}

const REQUEST_FAULT: ErrorClassification = Object.freeze({ kind: 'permanent', scope: 'request' });
const PROVIDER_UNUSABLE: ErrorClassification = Object.freeze({ kind: 'permanent', scope: 'provider' });
const PROVIDER_DOWN: ErrorClassification = Object.freeze({ kind: 'transient', providerDown: true });
const RETRYABLE: ErrorClassification = Object.freeze({ kind: 'transient' });

function retryAfter(path: string, options: RetryAfterOptions | undefined): number | undefined {
  const ms = options?.retryAfterMs;
  if (ms === undefined) return undefined;
  if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) throw new ConfigError(`${path}.retryAfterMs`, 'must be a non-negative finite number', ms);
  return ms;
}

/**
 * What a failure means, as the {@link ErrorClassification} an error carries from its creation
 * (`new RampartError(message, { classification: FailureMeaning.providerDown() })`, or a subclass
 * passing it to `super`), or a registered classifier returns for errors someone else created
 * (`registerErrorClassifier`). Every result is frozen.
 */
export const FailureMeaning = Object.freeze({
  /** The request itself is bad (invalid input, a constraint violated): no retry, no switch; the chain rethrows it. */
  requestFault(): ErrorClassification {
    return REQUEST_FAULT;
  },
  /**
   * The provider is down for now (connection refused, its process exited, overloaded with a long
   * retry-after): the chain switches to another provider at once when one may take the call, and
   * the provider cools down (its retry-after when given, else the manager's `providerCooldownMs`).
   * Breakers count it; with no other provider, RETRY retries it with backoff.
   */
  providerDown(options?: RetryAfterOptions): ErrorClassification {
    const ms = retryAfter('FailureMeaning.providerDown', options);
    return ms === undefined ? PROVIDER_DOWN : Object.freeze({ kind: 'transient', providerDown: true, retryAfterMs: ms });
  },
  /**
   * This provider cannot serve this request at all (bad credentials, no such model, no access):
   * the chain skips RETRY, switches, and cools the provider down; breakers do not count it.
   */
  providerUnusable(): ErrorClassification {
    return PROVIDER_UNUSABLE;
  },
  /**
   * This provider cannot take this kind of operation only (a write on a read-only standby):
   * the chain switches, and for a cooldown leaves the provider out of calls that say they are this
   * operation (`execute(type, fn, { operation })`), while it keeps taking every other call. No
   * provider cooldown, no breaker failure.
   */
  unusableFor(operation: string): ErrorClassification {
    if (typeof operation !== 'string' || operation.length === 0) throw new ConfigError('FailureMeaning.unusableFor.operation', 'must be a non-empty string', operation);
    return Object.freeze({ kind: 'permanent', scope: 'operation', operation });
  },
  /**
   * A retry may cure it (a timeout, a 5xx, a reset connection, a 429): RETRY retries it, on
   * another available provider first when the failure says the provider is down or asks to wait
   * longer than the step would; breakers count it.
   */
  retryable(options?: RetryableOptions): ErrorClassification {
    const ms = retryAfter('FailureMeaning.retryable', options);
    const kind = options?.kind ?? 'transient';
    if (kind !== 'transient' && kind !== 'timeout' && kind !== 'rate_limited') throw new ConfigError('FailureMeaning.retryable.kind', "must be 'transient', 'timeout' or 'rate_limited'", kind);
    if (ms === undefined && kind === 'transient') return RETRYABLE;
    return Object.freeze(ms === undefined ? { kind } : { kind, retryAfterMs: ms });
  },
});
