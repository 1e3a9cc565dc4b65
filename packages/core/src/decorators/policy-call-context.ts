import { AsyncLocalStorage } from 'node:async_hooks';
import type { PolicyContext } from '../policy/policy.js';

const storage = new AsyncLocalStorage<PolicyContext>();

/**
 * The context of the innermost policy decorator (`@retry`, `@circuitBreaker`, `@timeout`,
 * `@bulkhead`, or `policyDecorator`) running the current call, or undefined outside one. A decorated
 * method reads it to cancel its own work when a `@timeout` gives up, or to learn the retry attempt,
 * without its signature changing. Reading `signal` is what makes a policy allocate an
 * AbortController, so read it only where the work can be cancelled.
 */
export function currentPolicyContext(): PolicyContext | undefined {
  return storage.getStore();
}

/**
 * Run `fn(context)` under `policy`, as a decorated method runs: `fn` sees the policy's context
 * through {@link currentPolicyContext}, and the policy is given the enclosing decorator's signal,
 * so stacked decorators (and decorated methods called from decorated methods) are cancelled together:
 * once an outer `@timeout` gives up, an inner `@retry` stops waiting and makes no further attempt.
 */
export function runInPolicyContext<T>(
  execute: (fn: (context: PolicyContext) => Promise<T> | T, options: { signal: AbortSignal } | undefined) => Promise<T>,
  fn: () => Promise<T> | T,
): Promise<T> {
  const outer = storage.getStore();
  return execute((context) => storage.run(context, fn), outer === undefined ? undefined : { signal: outer.signal });
}
