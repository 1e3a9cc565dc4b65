import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';
import { NoProviderAvailableError } from './no-provider-available-error.js';

/**
 * SWITCH_PROVIDER: re-invoke with the next provider of the resource's list (or only `target`),
 * skipping those already tried, cooling down, or whose `${type}:${provider}` monitor reports
 * critical/unavailable. When every remaining provider is cooling down, wait for the first to come
 * back if that happens before the call's deadline, instead of failing at once.
 */
export const switchProviderStep: FallbackStepHandler = {
  strategy: FallbackStrategy.SWITCH_PROVIDER,
  invokes: true,
  async run<T>(action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    const { resource } = call;
    const all = action.target !== undefined ? [action.target] : env.providers(resource);
    const current = run.provider ?? env.providers(resource)[0];
    if (current !== undefined && run.lastError !== undefined && !run.tried.has(current)) {
      run.tried.add(current);
      env.reportProviderFailure(resource, current, run.lastError);
    }
    let lastError: unknown;
    let lastProvider: string | undefined;
    let waits = all.length;
    for (;;) {
      const next = all.find((p) => !run.tried.has(p) && !run.excluded.has(p) && env.isProviderAvailable(resource, p));
      if (next !== undefined) {
        try {
          return { answered: true, value: await env.invoke(call, run, FallbackStrategy.SWITCH_PROVIDER, next, run.degradation) };
        } catch (err) {
          lastError = err;
          lastProvider = next;
          run.tried.add(next);
          if (run.fatal) return { answered: false, error: err, provider: next };
          env.reportProviderFailure(resource, next, err);
          env.step({ resource, strategy: FallbackStrategy.SWITCH_PROVIDER, outcome: 'failed', provider: next, degradation: run.degradation, attempt: run.attempt, error: err, proactive: run.proactive });
          continue;
        }
      }
      // Nothing usable now: wait for the provider whose cooldown ends first, within the deadline.
      let soonest: string | undefined;
      let soonestMs = Number.POSITIVE_INFINITY;
      for (const p of all) {
        if (run.excluded.has(p)) continue;
        const left = env.cooldownRemainingMs(resource, p);
        if (left > 0 && left < soonestMs) [soonest, soonestMs] = [p, left];
      }
      if (soonest === undefined || waits-- <= 0 || env.clock.now() + soonestMs > call.deadline) {
        return { answered: false, error: lastError ?? new NoProviderAvailableError(resource, all, soonestMs), provider: lastProvider };
      }
      await env.clock.sleep(soonestMs, env.waitSignal(call));
      run.tried.delete(soonest);
    }
  },
};
