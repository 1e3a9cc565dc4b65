import { redactSecrets } from '../redact/redact-secrets.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';

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

/** One provider's observations; also what {@link ProviderObservations.timing} hands out to time a call. */
export class ObservedProvider implements ProviderObservation {
  latencyMs: number | undefined = undefined;
  lastFailureAt: number | undefined = undefined;
  /** Invocations to let pass untimed before the next timed one. */
  skip = 0;
  #raw: string | undefined = undefined;
  #redacted: string | undefined = undefined;

  /** Redacted once, when a report first reads it (failures are frequent, reports are not). */
  get lastFailure(): string | undefined {
    if (this.#raw !== undefined && this.#redacted === undefined) this.#redacted = redactSecrets(this.#raw).slice(0, MAX_FAILURE_LENGTH);
    return this.#redacted;
  }

  /** A timed invocation took `ms` (succeeded or failed). */
  latency(ms: number): void {
    if (!(ms >= 0)) return;
    this.latencyMs = this.latencyMs === undefined ? ms : this.latencyMs + LATENCY_WEIGHT * (ms - this.latencyMs);
  }

  setFailure(raw: string, at: number): void {
    this.#raw = raw;
    this.#redacted = undefined;
    this.lastFailureAt = at;
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : String(error);
}

/**
 * Per (resource type, provider), what the manager observed of its calls: their recent latency and
 * the last failure that put it in cooldown. Read by the health report; availability itself
 * (cooldown, breaker, monitor) stays with the provider registry.
 */
export class ProviderObservations {
  readonly #byType = new Map<ResourceTypeName, Map<string, ObservedProvider>>();

  #entry(type: ResourceTypeName, provider: string): ObservedProvider {
    let perType = this.#byType.get(type);
    if (!perType) this.#byType.set(type, (perType = new Map()));
    let e = perType.get(provider);
    if (!e) perType.set(provider, (e = new ObservedProvider()));
    return e;
  }

  /**
   * Whether to time this invocation of the provider: its entry (report the duration with
   * `entry.latency(ms)`) for every invocation until it has a latency, then for one in
   * {@link TIME_ONE_IN}; undefined for the others.
   */
  timing(type: ResourceTypeName, provider: string): ObservedProvider | undefined {
    const e = this.#entry(type, provider);
    if (e.skip > 0) {
      e.skip--;
      return undefined;
    }
    if (e.latencyMs !== undefined) e.skip = TIME_ONE_IN - 1;
    return e;
  }

  /** The provider failed with `error` at wall-clock `at` (epoch ms). */
  failure(type: ResourceTypeName, provider: string, error: unknown, at: number): void {
    if (error === undefined) return;
    this.#entry(type, provider).setFailure(describeFailure(error), at);
  }

  get(type: ResourceTypeName, provider: string): ProviderObservation | undefined {
    return this.#byType.get(type)?.get(provider);
  }
}
