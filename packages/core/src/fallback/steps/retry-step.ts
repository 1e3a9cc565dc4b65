import type { Backoff } from '../../backoff/backoff.js';
import { ExponentialBackoff } from '../../backoff/exponential-backoff.js';
import { FixedBackoff } from '../../backoff/fixed-backoff.js';
import { LinearBackoff } from '../../backoff/linear-backoff.js';
import { classifyError } from '../../classify/classify-error.js';
import { FallbackStrategy } from '../../resource/resource-types.js';
import { createRetry } from '../../retry/retry-policy.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';

function backoffFor(action: FallbackAction, env: ChainEnvironment): Backoff {
  const baseDelayMs = action.baseDelayMs ?? env.retryDefaults.baseDelayMs;
  const maxDelayMs = Math.max(baseDelayMs, action.maxDelayMs ?? env.retryDefaults.maxDelayMs);
  switch (action.backoff) {
    case 'fixed':
      return new FixedBackoff({ delayMs: baseDelayMs });
    case 'linear':
      return new LinearBackoff({ baseDelayMs, maxDelayMs });
    default:
      return new ExponentialBackoff({ baseDelayMs, maxDelayMs });
  }
}

/**
 * Switch first: whether RETRY should leave the call to a later SWITCH_PROVIDER step at once, because
 * the provider that failed is known to be down — its error says so (`providerDown`: connection
 * refused, no route, its process exited), it refused this client (a 429), its breaker is open, its monitor reports it down, it is
 * cooling down after asking to be left alone (a 429, or a retry-after, that an integration reported), or it asked to be left
 * alone longer than this step would wait (a retry-after above the step's `maxDelayMs`) — and
 * another provider may take the call now. With a single provider (or none
 * available) RETRY retries the same one with backoff, as before.
 */
export function switchesSooner(action: FallbackAction, call: FallbackCall<unknown>, run: ChainRun, env: ChainEnvironment): boolean {
  if (!run.later.some((a) => a.strategy === FallbackStrategy.SWITCH_PROVIDER)) return false;
  const list = env.providers(call);
  const current = run.provider ?? list[0];
  if (current === undefined) return false;
  const c = run.lastClassification;
  const maxWaitMs = Math.max(env.retryDefaults.maxDelayMs, action.maxDelayMs ?? 0);
  const gone =
    c?.providerDown === true ||
    // a 429: the provider refuses this client now; another one answers sooner than a backoff
    c?.kind === 'rate_limited' ||
    (c?.retryAfterMs !== undefined && c.retryAfterMs > maxWaitMs) ||
    env.isCircuitOpen(call, current) ||
    // it asked to be left alone (a retry-after) and is cooling down for it (the integration that saw
    // it reported it): another provider is sooner than waiting
    (c?.retryAfterMs !== undefined && env.cooldownRemainingMs(call.resource, current) > 0) ||
    env.providerBackInMs(call.resource, current, call.operation) === Number.POSITIVE_INFINITY;
  if (!gone) return false;
  return list.some((p) => p !== current && !run.excluded.has(p) && !run.tried.has(p) && env.isProviderAvailable(call.resource, p, call.operation));
}

/**
 * The provider a retry may go to instead of the one that failed (Envoy's `previous_hosts`): the
 * first of the call's providers that this step has not used, that this run has not tried or
 * excluded, and that is available for the call's operation — when the chain has a later
 * SWITCH_PROVIDER step (a chain without one never moves a call to another provider).
 */
function elsewhere(call: FallbackCall<unknown>, run: ChainRun, env: ChainEnvironment, used: ReadonlySet<string>): string | undefined {
  if (!run.later.some((a) => a.strategy === FallbackStrategy.SWITCH_PROVIDER)) return undefined;
  return env.providers(call).find((p) => !used.has(p) && !run.tried.has(p) && !run.excluded.has(p) && env.isProviderAvailable(call.resource, p, call.operation));
}

/**
 * RETRY: re-invoke `maxAttempts` times (default RETRY_MAX_ATTEMPTS − 1). A failure a retry may cure
 * (a timeout, a reset, a 5xx without retry-after) is retried first on another available provider,
 * at once (no backoff), as Envoy's `previous_hosts` retry predicate does; the provider that failed
 * is retried with backoff, through core's retry policy ({@link RetryPolicy.executeAfterFailure},
 * which honours the failure's retry-after), only when no other provider may take the call (a single
 * provider, a write only the primary may take, every other one tried or unavailable). Permanent
 * errors are not retried, and retrying a provider stops once its circuit breaker opens. Skipped when
 * the chain runs proactively (the primary is known to be down), after a provider-scoped permanent
 * error (retrying that provider cannot help), and when the provider is known down while another may
 * take the call ({@link switchesSooner}: the chain switches at once instead).
 */
export const retryStep: FallbackStepHandler = {
  strategy: FallbackStrategy.RETRY,
  invokes: true,
  async run<T>(action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    const retries = action.maxAttempts ?? Math.max(0, env.retryDefaults.maxAttempts - 1);
    if (run.firstError === undefined || retries === 0) {
      return { answered: false, error: new Error('nothing to retry'), skipped: true };
    }
    if (run.lastClassification?.kind === 'permanent') {
      return { answered: false, error: run.lastError, skipped: true };
    }
    if (switchesSooner(action, call, run, env)) return { answered: false, error: run.lastError, skipped: true };
    const seed = run.lastError;
    const provider = run.provider;
    const home = provider ?? env.providers(call)[0];
    let left = retries;
    // another provider first, at once
    const used = new Set<string>(home === undefined ? [] : [home]);
    for (let next = elsewhere(call, run, env, used); next !== undefined && left > 0; next = elsewhere(call, run, env, used)) {
      used.add(next);
      left--;
      try {
        return { answered: true, value: await env.invoke(call, run, FallbackStrategy.RETRY, next, run.degradation) };
      } catch (err) {
        run.tried.add(next);
        if (run.fatal || left === 0) return { answered: false, error: err, provider: next };
        env.step({ resource: call.resource, strategy: FallbackStrategy.RETRY, outcome: 'failed', provider: next, degradation: run.degradation, attempt: run.attempt, error: err, proactive: run.proactive });
      }
    }
    // then the provider that failed, with backoff
    const policy = createRetry({
      maxAttempts: left + 1,
      strategy: backoffFor(action, env),
      maxRetryAfterMs: Math.max(env.retryDefaults.maxDelayMs, action.maxDelayMs ?? 0),
      clock: env.clock,
      // no more attempts once that provider's breaker has opened: it refuses them until its recovery timeout
      retryOn: (err) => run.fatal === undefined && classifyError(err).kind !== 'permanent' && !env.isCircuitOpen(call, provider),
    });
    const wait = env.waitSignal(call);
    try {
      const value = await policy.executeAfterFailure(seed, () => env.invoke(call, run, FallbackStrategy.RETRY, provider, run.degradation), { signal: wait.signal });
      return { answered: true, value };
    } catch (err) {
      return { answered: false, error: err === seed ? run.lastError : err, provider: run.provider };
    } finally {
      wait.dispose();
    }
  },
};
