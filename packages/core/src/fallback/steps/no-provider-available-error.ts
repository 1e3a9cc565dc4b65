import { RampartError } from '../../errors/rampart-error.js';
import type { ResourceType } from '../../resource/resource-types.js';

/** SWITCH_PROVIDER found no provider to use (none configured, all tried, down, or cooling down past the deadline). */
export class NoProviderAvailableError extends RampartError {
  readonly resource: ResourceType;
  readonly providers: readonly string[];
  /** How long until the first provider's cooldown ends, ms (Infinity if none is cooling down). */
  readonly nextAvailableInMs: number;

  constructor(resource: ResourceType, providers: readonly string[], nextAvailableInMs: number) {
    super(
      providers.length === 0
        ? `No providers configured for ${resource} (set them with \`providers\` or setProviders())`
        : `No ${resource} provider available among ${providers.join(', ')}` +
            (Number.isFinite(nextAvailableInMs) ? ` (next one back in ${Math.ceil(nextAvailableInMs)} ms, after the deadline)` : ''),
    );
    this.resource = resource;
    this.providers = providers;
    this.nextAvailableInMs = nextAvailableInMs;
  }
}
