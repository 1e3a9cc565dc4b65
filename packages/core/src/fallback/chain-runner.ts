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

const NO_STEPS: readonly FallbackAction[] = Object.freeze([]);

/**
 * A run's state: a class whose sets and step list are made on first use, so a call whose plain
 * attempt succeeds allocates none of them.
 */
class RunState implements ChainRun {
  attempt = 0;
  provider: string | undefined = undefined;
  degradation = 0;
  errors: Map<string, unknown> | undefined = undefined;
  later: readonly FallbackAction[] = NO_STEPS;
  firstError: unknown = undefined;
  lastError: unknown = undefined;
  lastClassification: ChainRun['lastClassification'] = undefined;
  fatal: ChainRun['fatal'] = undefined;
  readonly proactive: boolean;
  readonly breakerOpen: boolean;
  #steps: ChainRun['steps'] | undefined = undefined;
  #tried: Set<string> | undefined = undefined;
  #excluded: Set<string> | undefined = undefined;
  #failed: Set<string> | undefined = undefined;

  constructor(gate: ChainGate) {
    this.proactive = gate.proactive;
    this.breakerOpen = gate.breakerOpen;
  }

  get steps(): ChainRun['steps'] {
    return (this.#steps ??= []);
  }

  get tried(): Set<string> {
    return (this.#tried ??= new Set());
  }

  get excluded(): Set<string> {
    return (this.#excluded ??= new Set());
  }

  get failed(): Set<string> {
    return (this.#failed ??= new Set());
  }
}

/** A fresh run state. */
export function newChainRun(gate: ChainGate): ChainRun {
  return new RunState(gate);
}

/**
 * Run a guarded call: the plain attempt (unless the gate says the resource is down), then on a
 * failure that a fallback can help with, each step of `chain` in order until one answers. A
 * permanent error about the request itself (and the caller's abort) is rethrown at once; a
 * provider-scoped permanent error skips RETRY. When no step answers, throws
 * {@link FallbackExhaustedError} listing every step tried with its error.
 */
export function runFallbackChain<T>(
  call: FallbackCall<T>,
  chain: readonly FallbackAction[],
  gate: ChainGate,
  env: ChainEnvironment,
  run: ChainRun = newChainRun(gate),
  onExhausted?: (error: FallbackExhaustedError) => void,
): Promise<T> {
  if (gate.proactive) return runSteps(call, chain, env, run, onExhausted);
  // the plain attempt: its success is the call's answer with no further frame of this function
  return env.invoke(call, run, undefined, undefined, 0).then(undefined, (err: unknown) => {
    if (run.fatal) throw run.fatal.error;
    const primary = env.providers(call)[0];
    run.steps.push({ strategy: 'primary', provider: primary, degradation: 0, error: err });
    env.step({ resource: call.resource, strategy: 'primary', outcome: 'failed', provider: primary, degradation: 0, attempt: run.attempt, error: err, proactive: false });
    return runSteps(call, chain, env, run, onExhausted);
  });
}

/** The chain's steps in order until one answers; `onExhausted` hears of the FallbackExhaustedError it throws when none does. */
async function runSteps<T>(
  call: FallbackCall<T>,
  chain: readonly FallbackAction[],
  env: ChainEnvironment,
  run: ChainRun,
  onExhausted: ((error: FallbackExhaustedError) => void) | undefined,
): Promise<T> {
  const { resource } = call;
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
  const exhausted = new FallbackExhaustedError(resource, run.steps, run.firstError ?? last, run.proactive, env.explainProviders(call, run));
  onExhausted?.(exhausted);
  throw exhausted;
}
