import { redactSecrets } from '../redact/redact-secrets.js';

/** Longest failure text kept for the report, characters. */
const MAX_FAILURE_LENGTH = 300;
/** Weight of the newest timed invocation in the recent latency (an exponentially weighted mean). */
const LATENCY_WEIGHT = 0.3;
/**
 * Once a provider has a latency, one invocation in this many is timed: two clock reads cost about as
 * much as the rest of the bookkeeping of a guarded call, so the success path does not pay them each time.
 */
const TIME_ONE_IN = 8;

/** What the health report shows of one provider besides its availability. */
export interface ProviderObservation {
  /** Recent latency of its invocations (exponentially weighted mean of the timed ones), ms; undefined before the first. */
  readonly latencyMs: number | undefined;
  /** Its last failure (`Name: message`), redacted; undefined when none was reported. */
  readonly lastFailure: string | undefined;
  /** Wall-clock epoch ms of that failure. */
  readonly lastFailureAt: number | undefined;
}

/**
 * The one record of a (resource type, provider) the manager keeps: its cooldown (from failures and
 * from the provider's own retry-after), what its failures said, its exclusions from kinds of
 * operation, its recent latency and last failure. Its circuit breaker and its monitor's verdict are
 * read through the {@link ProviderRegistry} that owns the record, which alone derives availability
 * from all of them. Times are monotonic (`clock.now()`) unless said.
 */
export class ProviderRecord implements ProviderObservation {
  /** End of its cooldown (0: none). */
  until = 0;
  /** End of a retry-after the provider itself sent (0: none): a monitor's recovery does not end it. */
  retryAfterUntil = 0;
  /** Wall-clock ms of its last failure when that failure said it is gone (`providerDown`). */
  goneAt: number | undefined = undefined;
  /** The last failure reported: the same error object reported twice is one fact. */
  lastReported: object | undefined = undefined;
  /** `${type}:${provider}`: the key of its own monitor (made once). */
  monitorKey: string | undefined = undefined;
  /** Monotonic time of its last reported failure (0: none), and that report's number in the registry. */
  failedAt = 0;
  failedSeq = 0;
  /** Per operation, until when it is left out of calls of that operation only. */
  operations: Map<string, number> | undefined = undefined;
  latencyMs: number | undefined = undefined;
  lastFailureAt: number | undefined = undefined;
  /** Invocations to let pass untimed before the next timed one. */
  #skip = 0;
  #raw: string | undefined = undefined;
  #redacted: string | undefined = undefined;

  /** Redacted once, when a report first reads it (failures are frequent, reports are not). */
  get lastFailure(): string | undefined {
    if (this.#raw !== undefined && this.#redacted === undefined) this.#redacted = redactSecrets(this.#raw).slice(0, MAX_FAILURE_LENGTH);
    return this.#redacted;
  }

  /**
   * Whether to time this invocation: true for every invocation until the provider has a latency,
   * then for one in {@link TIME_ONE_IN}.
   */
  timeThisCall(): boolean {
    if (this.#skip > 0) {
      this.#skip--;
      return false;
    }
    if (this.latencyMs !== undefined) this.#skip = TIME_ONE_IN - 1;
    return true;
  }

  /** A timed invocation took `ms` (succeeded or failed). */
  latency(ms: number): void {
    if (!(ms >= 0)) return;
    this.latencyMs = this.latencyMs === undefined ? ms : this.latencyMs + LATENCY_WEIGHT * (ms - this.latencyMs);
  }

  /** The provider failed with `error` at wall-clock `at` (epoch ms), for the report. */
  failed(error: unknown, at: number): void {
    if (error === undefined) return;
    this.#raw = error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : String(error);
    this.#redacted = undefined;
    this.lastFailureAt = at;
  }

  /** A success: its cooldown and what its failures said end (not an exclusion from one kind of operation). */
  succeeded(): void {
    this.until = this.retryAfterUntil = 0;
    this.goneAt = undefined;
    this.lastReported = undefined;
  }
}
