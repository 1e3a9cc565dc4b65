import { RampartError } from '../../errors/rampart-error.js';
import type { FallbackStrategy, ResourceType } from '../../resource/resource-types.js';

/**
 * Why SWITCH_PROVIDER did not wait for a provider: the first comes back after the call's deadline
 * (or none has a known time), later than `maxProviderWaitMs`, or a later step can answer sooner.
 */
export type NoProviderReason = 'deadline' | 'wait_bound' | FallbackStrategy;

/**
 * SWITCH_PROVIDER found no provider to use now (none configured, all tried, down, cooling down or
 * with an open breaker), and did not wait for one: the first comes back after the deadline, or a
 * later step of the chain (`notWaitingFor`) can answer sooner.
 */
export class NoProviderAvailableError extends RampartError {
  readonly resource: ResourceType;
  readonly providers: readonly string[];
  /** How long until the first provider comes back, ms (Infinity if none has a known time). */
  readonly nextAvailableInMs: number;
  /** The later step (use_cache or queue_request) the chain moved on to instead of waiting, if that is why. */
  readonly notWaitingFor: FallbackStrategy | undefined;
  /** Why the step did not wait for the first provider to come back. */
  readonly reason: NoProviderReason;

  constructor(resource: ResourceType, providers: readonly string[], nextAvailableInMs: number, reason: NoProviderReason = 'deadline') {
    const back = Number.isFinite(nextAvailableInMs) ? `next one back in ${Math.ceil(nextAvailableInMs)} ms` : undefined;
    const why =
      reason === 'deadline'
        ? back
          ? ` (${back}, after the deadline)`
          : ''
        : reason === 'wait_bound'
          ? ` (${back}, longer than maxProviderWaitMs)`
          : ` (${back ?? 'none back soon'}; not waiting: the chain's later ${reason} step can answer sooner)`;
    super(
      providers.length === 0
        ? `No providers configured for ${resource} (set them with \`providers\` or setProviders())`
        : `No ${resource} provider available among ${providers.join(', ')}${why}`,
      { code: 'NoProviderAvailableError' },
    );
    this.resource = resource;
    this.providers = providers;
    this.nextAvailableInMs = nextAvailableInMs;
    this.notWaitingFor = reason === 'deadline' || reason === 'wait_bound' ? undefined : reason;
    this.reason = reason;
  }
}
