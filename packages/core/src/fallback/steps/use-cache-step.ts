import { RampartError } from '../../errors/rampart-error.js';
import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';

/** USE_CACHE had nothing to serve. */
export class CacheMissError extends RampartError {
  constructor(reason: string) {
    super(reason, { code: 'CacheMissError' });
  }
}

/**
 * USE_CACHE: answer with an earlier successful result of the same method and arguments. Stale
 * entries (older than `cache.ttlMs`) are served only after a failure, not proactively.
 */
export const useCacheStep: FallbackStepHandler = {
  strategy: FallbackStrategy.USE_CACHE,
  invokes: false,
  async run<T>(_action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    if (call.cacheKey === undefined) {
      const why = call.argsNotSerialisable ? `its arguments are not cacheable (${call.argsNotSerialisable})` : 'it has no cache key';
      return { answered: false, error: new CacheMissError(`Nothing cached: ${why}`) };
    }
    const hit = env.cacheGet(call.cacheKey, run.firstError !== undefined);
    if (!hit) return { answered: false, error: new CacheMissError('Nothing cached for these arguments') };
    return { answered: true, value: hit.value as T, stale: hit.stale };
  },
};
