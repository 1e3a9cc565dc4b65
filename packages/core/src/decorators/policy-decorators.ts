import type { CircuitBreakerOptions } from '../breaker/circuit-breaker-options.js';
import { createCircuitBreaker } from '../breaker/circuit-breaker-registry.js';
import { createBulkhead, type BulkheadOptions } from '../bulkhead/bulkhead-policy.js';
import type { Policy } from '../policy/policy.js';
import { createRetry, type RetryOptions } from '../retry/retry-policy.js';
import { createTimeout, type TimeoutOptions } from '../timeout/timeout-policy.js';
import { wrap } from '../wrap/wrap.js';
import { makeDualDecorator, type DualDecorator } from './method-decorator.js';
import { runInPolicyContext } from './policy-call-context.js';

/** Marks a function made by {@link policyDecorator}: its policies (outermost first) and the function they guard. */
const POLICY_STACK = Symbol.for('rampart.policy-stack');

interface PolicyStack {
  readonly policies: readonly Policy[];
  readonly original: (...args: unknown[]) => unknown;
}

/**
 * The policies of a function made by policy decorators (outermost first), collapsed into one
 * wrapped policy; undefined for any other function.
 */
export function stackedPolicies(fn: unknown): readonly Policy[] | undefined {
  return typeof fn === 'function' ? (fn as unknown as Record<symbol, PolicyStack | undefined>)[POLICY_STACK]?.policies : undefined;
}

/**
 * A decorator/wrapper that runs every call through `policy`. The policy is built once per
 * decoration, so it is shared by every instance of the class (a retry or a named breaker is
 * stateless per call; a bulkhead limits the method across instances).
 *
 * Stacking: the decorator nearest the method is innermost. `@retry() @circuitBreaker('x') m()`
 * retries calls that go through the breaker (each attempt is counted by the breaker). Stacked
 * policy decorators collapse into one `wrap(...)` of their policies, built once at decoration time
 * (so `@retry @circuitBreaker @timeout` takes wrap's fused path); each layer passes its signal to
 * the next, so an outer `@timeout` that gives up stops an inner `@retry`; the method reads the
 * innermost layer's context with `currentPolicyContext()`.
 */
export function policyDecorator(policy: Policy, factoryName: string): DualDecorator {
  return makeDualDecorator((fn) => {
    const inner = (fn as unknown as Record<symbol, PolicyStack | undefined>)[POLICY_STACK];
    const policies = inner === undefined ? [policy] : [policy, ...inner.policies];
    const original = inner === undefined ? (fn as (...args: unknown[]) => unknown) : inner.original;
    const composed: Policy = policies.length === 1 ? policy : wrap(...policies);
    const execute = composed.execute.bind(composed);
    const wrapped = function (this: unknown, ...args: unknown[]) {
      return runInPolicyContext(execute, () => original.apply(this, args));
    };
    Object.defineProperty(wrapped, POLICY_STACK, { value: Object.freeze({ policies: Object.freeze(policies), original }) });
    return wrapped as typeof fn;
  }, factoryName);
}

/** `@retry({ maxAttempts: 5, strategy: new ExponentialBackoff({ baseDelayMs: 2000 }) })`, or `retry(opts)(fn)`. */
export function retry(options?: RetryOptions): DualDecorator {
  return policyDecorator(createRetry(options), 'retry');
}

/**
 * `@circuitBreaker('external_api', { failureThreshold: 5, recoveryTimeoutMs: 60_000 })`, or
 * `circuitBreaker(name, opts)(fn)`. Methods decorated with the same name share one breaker.
 */
export function circuitBreaker(name: string, options?: CircuitBreakerOptions): DualDecorator {
  return policyDecorator(createCircuitBreaker(name, options), 'circuitBreaker');
}

/**
 * `@timeout({ timeoutMs })`, or `timeout(opts)(fn)`: the caller gets a TimeoutError at the deadline.
 * The method's signature is not changed: it reads the deadline's signal with
 * `currentPolicyContext()?.signal` to cancel the work itself.
 */
export function timeout(options: TimeoutOptions): DualDecorator {
  return policyDecorator(createTimeout(options), 'timeout');
}

/** `@bulkhead({ maxConcurrent, maxQueued })`, or `bulkhead(opts)(fn)`: one bulkhead per decorated method. */
export function bulkhead(options: BulkheadOptions): DualDecorator {
  return policyDecorator(createBulkhead(options), 'bulkhead');
}
