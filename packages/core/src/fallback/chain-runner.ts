import { FallbackStrategy } from '../resource/resource-types.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler } from './chain-types.js';
import type { FallbackAction } from './fallback-action.js';
import { FallbackExhaustedError } from './fallback-exhausted-error.js';
import { circuitBreakStep } from './steps/circuit-break-step.js';
import { degradeServiceStep } from './steps/degrade-service-step.js';
import { queueRequestStep } from './steps/queue-request-step.js';
import { retryStep } from './steps/retry-step.js';
import { scaleDownStep } from './steps/scale-down-step.js';
import { switchProviderStep } from './steps/switch-provider-step.js';
import { useCacheStep } from './steps/use-cache-step.js';

/** The handler of each strategy. */
export const FALLBACK_STEP_HANDLERS: Readonly<Record<FallbackStrategy, FallbackStepHandler>> = Object.freeze({
  [FallbackStrategy.RETRY]: retryStep,
  [FallbackStrategy.SWITCH_PROVIDER]: switchProviderStep,
  [FallbackStrategy.DEGRADE_SERVICE]: degradeServiceStep,
  [FallbackStrategy.QUEUE_REQUEST]: queueRequestStep,
  [FallbackStrategy.USE_CACHE]: useCacheStep,
  [FallbackStrategy.SCALE_DOWN]: scaleDownStep,
  [FallbackStrategy.CIRCUIT_BREAK]: circuitBreakStep,
});

/** How the call starts: normally, or with the chain already (the resource is known to be down). */
export interface ChainGate {
  /** Skip the primary attempt and RETRY: monitors, the primary provider (cooldown, monitor, breaker) or the breakers report trouble. */
  readonly proactive: boolean;
  /**
   * Every provider's circuit breaker is open (or, for a resource without providers, its own):
   * invoking steps are skipped, only cache and queue steps may answer.
   */
  readonly breakerOpen: boolean;
}

function throwIfAborted(call: FallbackCall<unknown>, env: ChainEnvironment): void {
  for (const signal of [call.signal, env.stopSignal]) {
    if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
  }
}

/** A fresh run state. */
export function newChainRun(gate: ChainGate): ChainRun {
  return {
    steps: [],
    attempt: 0,
    provider: undefined,
    degradation: 0,
    errors: undefined,
    tried: new Set(),
    excluded: new Set(),
    failed: new Set(),
    later: [],
    firstError: undefined,
    lastError: undefined,
    lastClassification: undefined,
    fatal: undefined,
    proactive: gate.proactive,
    breakerOpen: gate.breakerOpen,
  };
}

/**
 * Run a guarded call: the plain attempt (unless the gate says the resource is down), then on a
 * failure that a fallback can help with, each step of `chain` in order until one answers. A
 * permanent error about the request itself (and the caller's abort) is rethrown at once; a
 * provider-scoped permanent error skips RETRY. When no step answers, throws
 * {@link FallbackExhaustedError} listing every step tried with its error.
 */
export async function runFallbackChain<T>(
  call: FallbackCall<T>,
  chain: readonly FallbackAction[],
  gate: ChainGate,
  env: ChainEnvironment,
  run: ChainRun = newChainRun(gate),
): Promise<T> {
  const { resource } = call;
  if (!gate.proactive) {
    try {
      return await env.invoke(call, run, undefined, undefined, 0);
    } catch (err) {
      if (run.fatal) throw run.fatal.error;
      const primary = env.providers(call)[0];
      run.steps.push({ strategy: 'primary', provider: primary, degradation: 0, error: err });
      env.step({ resource, strategy: 'primary', outcome: 'failed', provider: primary, degradation: 0, attempt: run.attempt, error: err, proactive: false });
    }
  }
  for (let i = 0; i < chain.length; i++) {
    const action = chain[i]!;
    run.later = chain.slice(i + 1);
    throwIfAborted(call, env);
    const handler = FALLBACK_STEP_HANDLERS[action.strategy];
    const base = { resource, strategy: action.strategy, proactive: run.proactive } as const;
    if (run.breakerOpen && handler.invokes) {
      env.step({ ...base, outcome: 'skipped', degradation: run.degradation, attempt: run.attempt });
      continue;
    }
    const outcome = await handler.run(action, call, run, env);
    if (outcome.answered) {
      // a cached answer comes from no provider; the others name the provider that answered
      const provider = action.strategy === FallbackStrategy.USE_CACHE ? undefined : run.provider;
      env.step({ ...base, outcome: 'answered', provider, degradation: run.degradation, attempt: run.attempt, stale: outcome.stale });
      return outcome.value;
    }
    if (run.fatal) throw run.fatal.error;
    if (env.stopSignal.aborted) throw outcome.error; // the manager stopped: say how it ended this step (QueueStoppedError…)
    throwIfAborted(call, env);
    if (outcome.skipped) {
      env.step({ ...base, outcome: 'skipped', degradation: run.degradation, attempt: run.attempt });
      continue;
    }
    run.steps.push({ strategy: action.strategy, provider: outcome.provider, degradation: run.degradation, error: outcome.error });
    if (outcome.reported !== true) env.step({ ...base, outcome: 'failed', provider: outcome.provider, degradation: run.degradation, attempt: run.attempt, error: outcome.error });
  }
  const last = run.steps[run.steps.length - 1]?.error;
  throw new FallbackExhaustedError(resource, run.steps, run.firstError ?? last, run.proactive, env.explainProviders(call, run));
}
