import type { PolicyContext } from '../policy/policy.js';

/**
 * The context handed to a call made without a caller signal, shared by all such calls so that
 * the hot path allocates nothing. Its `signal` never aborts; an AbortController costs about a
 * microsecond, so one is created only when `signal` is read, and a fresh one on each read: a
 * listener the call forgets to remove then dies with that signal instead of piling up on a
 * shared one. (Read it once and keep it if you need the same object twice.)
 */
const NO_SIGNAL_CONTEXT: PolicyContext = Object.freeze({
  attempt: 1,
  get signal(): AbortSignal {
    return new AbortController().signal;
  },
});

/** The context for a call: the caller's signal when given, else the shared {@link NO_SIGNAL_CONTEXT}. */
export function callContext(signal: AbortSignal | undefined): PolicyContext {
  return signal === undefined ? NO_SIGNAL_CONTEXT : { signal, attempt: 1 };
}

/** True for promises and other thenables (what `await` would adopt). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

const ignore = (): void => undefined;

/**
 * A rejected promise of `error` with a handler already attached, for fast-fail paths to hand to
 * every rejected caller. A fresh `Promise.reject()` that the caller handles a tick later goes
 * through Node's unhandled-rejection bookkeeping (about a microsecond); an already-handled one
 * does not. The flip side: a caller that ignores it gets no `unhandledRejection`.
 */
export function handledRejection(error: unknown): Promise<never> {
  const p = Promise.reject(error);
  p.catch(ignore);
  return p;
}
