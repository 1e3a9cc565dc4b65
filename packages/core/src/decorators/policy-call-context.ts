import type { PolicyContext } from '../policy/policy.js';

/**
 * The context of the decorated call whose synchronous part is running. Not an AsyncLocalStorage on
 * purpose: on Node 20 the first `AsyncLocalStorage.run` in a process turns on promise hooks that
 * make every `await` in the whole process 2–3× slower (about 300 ns more per awaited call,
 * measured here), a cost a policies-only user should not pay for a decorator.
 */
let current: PolicyContext | undefined;

/**
 * The context of the innermost policy decorator (`@retry`, `@circuitBreaker`, `@timeout`,
 * `@bulkhead`, or `policyDecorator`) running the current call, or undefined outside one. A decorated
 * method reads it to cancel its own work when a `@timeout` gives up, or to learn the retry attempt,
 * without its signature changing.
 *
 * Read it in the method's synchronous part, before its first `await` (keep the value if it is
 * needed later): after an await it is undefined. Reading `signal` is what makes a policy allocate
 * an AbortController, so read it only where the work can be cancelled.
 */
export function currentPolicyContext(): PolicyContext | undefined {
  return current;
}

/**
 * Run `fn` under `execute` (a policy's `execute`), as a decorated method runs: `fn` sees the
 * policy's context through {@link currentPolicyContext}, and the policy is given the enclosing
 * decorator's signal, so stacked decorators (and decorated methods called from a decorated method
 * before its first await) are cancelled together: once an outer `@timeout` gives up, an inner
 * `@retry` stops waiting and makes no further attempt.
 */
export function runInPolicyContext<T>(
  execute: (fn: (context: PolicyContext) => Promise<T> | T, options: { signal: AbortSignal } | undefined) => Promise<T>,
  fn: () => Promise<T> | T,
): Promise<T> {
  const outer = current;
  return execute(
    (context) => {
      const previous = current;
      current = context;
      try {
        return fn();
      } finally {
        current = previous;
      }
    },
    outer === undefined ? undefined : { signal: outer.signal },
  );
}
