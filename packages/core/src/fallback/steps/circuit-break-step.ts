import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';

/**
 * CIRCUIT_BREAK: open the circuit breakers of the providers that failed in this run (for a
 * resource without providers: its resource-level breaker), each for its recovery timeout. A
 * provider whose breaker is open is skipped like an unavailable one (the gate goes past it to the
 * proactive path, SWITCH_PROVIDER does not pick it); only when every provider's breaker is open do
 * later calls fail fast or go straight to the chain's cache and queue steps. It never answers the
 * current call: it protects the providers from the calls that follow. Skipped when nothing failed
 * in this run (a proactive run that invoked no provider).
 */
export const circuitBreakStep: FallbackStepHandler = {
  strategy: FallbackStrategy.CIRCUIT_BREAK,
  invokes: false,
  async run<T>(_action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    const error = env.tripBreakers(call, [...run.failed]);
    return error === undefined ? { answered: false, error: new Error('no provider failed in this run'), skipped: true } : { answered: false, error };
  },
};
