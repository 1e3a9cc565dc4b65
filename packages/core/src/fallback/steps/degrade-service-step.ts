import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';

/**
 * The provider a non-switching step should use: the first available one — never one cooling down
 * (no request inside a retry-after), with its breaker open or its monitor down, nor one excluded in
 * this run by a provider-scoped permanent error (a rejected API key does not work better with a
 * cheaper model); undefined when none is available.
 */
export function preferredProvider(call: FallbackCall<unknown>, run: ChainRun, env: ChainEnvironment): string | undefined {
  return env.providers(call).find((p) => !run.excluded.has(p) && env.isProviderAvailable(call.resource, p, call.operation));
}

/**
 * DEGRADE_SERVICE: re-invoke with `degradation` one level higher (cheaper model, fewer features,
 * smaller batches: the method decides what a level means), up to `levels` levels (default 1).
 */
export const degradeServiceStep: FallbackStepHandler = {
  strategy: FallbackStrategy.DEGRADE_SERVICE,
  invokes: true,
  async run<T>(action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    const levels = action.levels ?? 1;
    if (env.providers(call).length > 0 && preferredProvider(call, run, env) === undefined) {
      // every provider of this call was ruled out for it: degrading would call one that cannot answer
      return { answered: false, error: run.lastError, skipped: true };
    }
    let error: unknown;
    for (let i = 0; i < levels; i++) {
      const degradation = run.degradation + 1;
      const provider = preferredProvider(call, run, env);
      // the last one used is cooling down now: stop (its failure, if any, already had its event)
      if (provider === undefined && env.providers(call).length > 0) return { answered: false, error, provider: run.provider, reported: error !== undefined };
      try {
        return { answered: true, value: await env.invoke(call, run, FallbackStrategy.DEGRADE_SERVICE, provider, degradation) };
      } catch (err) {
        error = err;
        if (run.fatal) break;
        if (i < levels - 1) {
          env.step({ resource: call.resource, strategy: FallbackStrategy.DEGRADE_SERVICE, outcome: 'failed', provider, degradation, attempt: run.attempt, error: err, proactive: run.proactive });
        }
      }
    }
    return { answered: false, error, provider: run.provider };
  },
};
