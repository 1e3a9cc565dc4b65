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
 * refused, no route, its process exited), its breaker is open, its monitor reports it down, it is
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
    (c?.retryAfterMs !== undefined && c.retryAfterMs > maxWaitMs) ||
    env.isCircuitOpen(call, current) ||
    // it asked to be left alone (a 429, a retry-after) and is cooling down for it (the integration that
    // saw it reported it): another provider is sooner than waiting
    ((c?.kind === 'rate_limited' || c?.retryAfterMs !== undefined) && env.cooldownRemainingMs(call.resource, current) > 0) ||
    env.providerBackInMs(call.resource, current, call.operation) === Number.POSITIVE_INFINITY;
  if (!gone) return false;
  return list.some((p) => p !== current && !run.excluded.has(p) && !run.tried.has(p) && env.isProviderAvailable(call.resource, p, call.operation));
}

/**
 * RETRY: re-invoke with the same provider and degradation, `maxAttempts` times (default
 * RETRY_MAX_ATTEMPTS − 1) with backoff, through core's retry policy. The policy sees the failure
 * that started the chain as attempt 1, so it honours that error's retry-after. Permanent errors are
 * not retried, and retrying stops once that provider's circuit breaker opens. Skipped when the
 * chain runs proactively (the primary is known to be down), after a provider-scoped permanent
 * error (retrying that provider cannot help), and when the provider is known down while another may
 * take the call ({@link switchesSooner}: the chain switches at once instead of backing off).
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
    const policy = createRetry({
      maxAttempts: retries + 1,
      strategy: backoffFor(action, env),
      maxRetryAfterMs: Math.max(env.retryDefaults.maxDelayMs, action.maxDelayMs ?? 0),
      clock: env.clock,
      // no more attempts once that provider's breaker has opened: it refuses them until its recovery timeout
      retryOn: (err) => run.fatal === undefined && classifyError(err).kind !== 'permanent' && !env.isCircuitOpen(call, provider),
    });
    const wait = env.waitSignal(call);
    try {
      const value = await policy.execute(
        (ctx) => {
          if (ctx.attempt === 1) throw seed; // the failure that started the chain
          return env.invoke(call, run, FallbackStrategy.RETRY, provider, run.degradation);
        },
        { signal: wait.signal },
      );
      return { answered: true, value };
    } catch (err) {
      return { answered: false, error: err === seed ? run.lastError : err, provider };
    } finally {
      wait.dispose();
    }
  },
};
