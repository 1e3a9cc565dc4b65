import { describeValue } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { DEFAULT_FALLBACK_CHAINS } from '../fallback/default-chains.js';
import { FallbackStrategy, type ResourceType } from '../resource/resource-types.js';
import type { ResilienceConfig } from './resilience-config.js';

interface DelayRange {
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

function checkDelayRange(path: string, range: DelayRange | undefined): void {
  const { baseDelayMs, maxDelayMs } = range ?? {};
  if (baseDelayMs !== undefined && maxDelayMs !== undefined && maxDelayMs < baseDelayMs) {
    throw new ConfigError(`${path}.maxDelayMs`, `must not be below baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`, maxDelayMs);
  }
}

/** Whether `type`'s chain (configured, else the default) has a SWITCH_PROVIDER step. */
function switchesProvider(config: ResilienceConfig, type: string): boolean {
  const chains: Partial<Record<string, ReadonlyArray<{ strategy: string }>>> = config.fallbackStrategies ?? DEFAULT_FALLBACK_CHAINS;
  const chain = chains[type] ?? DEFAULT_FALLBACK_CHAINS[type as ResourceType] ?? [];
  return chain.some((step) => step.strategy === FallbackStrategy.SWITCH_PROVIDER);
}

/**
 * The checks that span several fields of an otherwise valid config (each field's own type and range
 * is the schema's): a provider list names each provider once, and is empty only for a resource whose
 * chain does not switch providers (`database: []` says "no providers", replacing the seed's default
 * list, e.g. so CIRCUIT_BREAK guards the resource as a whole); a SWITCH_PROVIDER `target` is one of
 * the providers configured for its resource type (when the config lists them: otherwise an
 * integration registers them later with `setProviders`); `maxDelayMs` is not below `baseDelayMs`.
 * Throws a {@link ConfigError} naming the path.
 */
export function checkCrossFields(config: ResilienceConfig): void {
  const providers: Partial<Record<string, readonly string[]>> = config.providers ?? {};
  for (const [type, names] of Object.entries(providers)) {
    if (names!.length === 0 && switchesProvider(config, type)) {
      throw new ConfigError(`providers.${type}`, `must not be empty: the ${type} chain has a SWITCH_PROVIDER step`, names);
    }
    const seen = new Set<string>();
    names!.forEach((name, i) => {
      if (seen.has(name)) throw new ConfigError(`providers.${type}[${i}]`, `repeats provider ${describeValue(name)}`, name);
      seen.add(name);
    });
  }
  checkDelayRange('retry', config.retry);
  const chains: Partial<Record<string, readonly DelayRange[]>> = config.fallbackStrategies ?? {};
  for (const [type, steps] of Object.entries(chains)) {
    steps!.forEach((step, i) => {
      const path = `fallbackStrategies.${type}[${i}]`;
      checkDelayRange(path, step);
      const { strategy, target } = step as { strategy?: string; target?: string };
      const list = providers[type];
      if (strategy === FallbackStrategy.SWITCH_PROVIDER && target !== undefined && list && !list.includes(target)) {
        throw new ConfigError(
          `${path}.target`,
          `must be one of the providers of ${type} (${list.join(', ')}), got ${describeValue(target)}`,
          target,
        );
      }
    });
  }
}
