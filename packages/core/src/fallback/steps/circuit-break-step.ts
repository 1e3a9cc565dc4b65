import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';

/**
 * CIRCUIT_BREAK: open the resource's breaker so that later calls fail fast (or go straight to the
 * cache and queue steps of the chain) until its recovery timeout lets a probe through. It never
 * answers the current call: it protects the resource from the calls that follow.
 */
export const circuitBreakStep: FallbackStepHandler = {
  strategy: FallbackStrategy.CIRCUIT_BREAK,
  invokes: false,
  async run<T>(_action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    return { answered: false, error: env.tripBreaker(call.resource, run.lastError) };
  },
};
