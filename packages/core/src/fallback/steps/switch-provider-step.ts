import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';
import { NoProviderAvailableError, type NoProviderReason } from './no-provider-available-error.js';

/**
 * The later step of the chain that can answer the call without waiting for a provider, if any:
 * a DEGRADE_SERVICE step while one of the call's providers is available for it now (a degraded
 * answer now rather than a full one later), or a USE_CACHE step holding an entry it would serve for
 * this call now (fresh, or stale after a failure). A QUEUE_REQUEST step is not one: a parked call
 * is replayed no sooner than a provider is back (on the queue's next poll), so waiting here for a
 * provider that returns within the bound answers sooner; the queue takes longer outages.
 */
export function laterAnswer(call: FallbackCall<unknown>, run: ChainRun, env: ChainEnvironment): FallbackStrategy | undefined {
  for (const a of run.later) {
    if (a.strategy === FallbackStrategy.USE_CACHE && call.cacheKey !== undefined && env.cacheHas(call.cacheKey, run.firstError !== undefined)) return a.strategy;
    if (a.strategy === FallbackStrategy.DEGRADE_SERVICE && env.providers(call).some((p) => !run.excluded.has(p) && env.isProviderAvailable(call.resource, p, call.operation))) {
      return a.strategy;
    }
  }
  return undefined;
}

/**
 * SWITCH_PROVIDER: re-invoke with the next provider of the resource's list (or only `target`),
 * skipping those already tried and those unavailable: cooling down, their `${type}:${provider}`
 * monitor reporting critical/unavailable, or their circuit breaker open.
 *
 * The wait rule: when no provider is usable now, the step waits for the first one to come back
 * (the end of its cooldown or its breaker's half-open time), within the call's deadline and no
 * longer than `maxProviderWaitMs` (a longer wait fails the step at once, and a later QUEUE_REQUEST
 * step parks the call), only if no later step of the chain could answer sooner — that is, when the
 * chain has no later DEGRADE_SERVICE step with a provider available now and no later USE_CACHE step
 * with a usable cached entry for this call (see {@link laterAnswer}). Otherwise it fails at once and the chain moves on.
 */
export const switchProviderStep: FallbackStepHandler = {
  strategy: FallbackStrategy.SWITCH_PROVIDER,
  invokes: true,
  async run<T>(action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    const { resource } = call;
    const list = env.providers(call);
    const all = action.target !== undefined ? [action.target] : list;
    const current = run.provider ?? list[0];
    if (current !== undefined && run.lastError !== undefined && !run.tried.has(current)) {
      run.tried.add(current);
      env.reportProviderFailure(resource, current, run.lastError);
    }
    let lastError: unknown;
    let lastProvider: string | undefined;
    let waits = all.length;
    for (;;) {
      const next = all.find((p) => !run.tried.has(p) && !run.excluded.has(p) && env.isProviderAvailable(resource, p, call.operation));
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
      // Nothing usable now: find the provider that comes back first.
      let soonest: string | undefined;
      let soonestMs = Number.POSITIVE_INFINITY;
      for (const p of all) {
        if (run.excluded.has(p)) continue;
        const left = env.providerBackInMs(resource, p, call.operation);
        if (left > 0 && left < soonestMs) [soonest, soonestMs] = [p, left];
      }
      const giveUp = (reason: NoProviderReason): StepOutcome<T> => ({
        answered: false,
        error: lastError ?? new NoProviderAvailableError(resource, all, soonestMs, reason),
        provider: lastProvider,
        // the last provider's failure was its own event already: one failure, one event
        reported: lastError !== undefined,
      });
      if (soonest === undefined || waits-- <= 0 || env.clock.now() + soonestMs > call.deadline) return giveUp('deadline');
      const sooner = laterAnswer(call, run, env);
      if (sooner !== undefined) return giveUp(sooner);
      if (soonestMs > env.maxProviderWaitMs) return giveUp('wait_bound');
      const wait = env.waitSignal(call);
      try {
        await env.clock.sleep(soonestMs, wait.signal);
      } finally {
        wait.dispose();
      }
      run.tried.delete(soonest);
    }
  },
};
