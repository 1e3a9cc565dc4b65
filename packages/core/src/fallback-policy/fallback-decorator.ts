/* eslint-disable @typescript-eslint/no-explicit-any */
import { policyDecorator } from '../decorators/policy-decorators.js';
import type { Policy } from '../policy/policy.js';
import { createFallback, type FallbackPolicyOptions } from './fallback-policy.js';

/**
 * `unknown` (no constraint) when a fallback value of type R fits a result of type T; otherwise a
 * type the method cannot match, so tsc reports the decoration (the message names both types).
 */
export type FallbackFits<R, T> = [R] extends [T] ? unknown : { readonly 'fallback value does not fit the result': [R, T] };

/**
 * What {@link fallback} returns. A decorator cannot change a method's type, so it accepts only
 * async methods and functions (returning `Promise<T>`) whose `T` can hold the fallback value R:
 * `@fallback({ fallback: [] })` fits `Promise<string[]>`, `@fallback({ fallback: 'n/a' })` does
 * not fit `Promise<number>` (a compile error). Widen the result (`Promise<number | 'n/a'>`) or
 * type R explicitly (`fallback<number>({ fallback: 0 })`) when needed.
 */
export interface FallbackDecorator<R> {
  /** Wrap a free async function: `fallback({ fallback: [] })(fetchRows)`. */
  <F extends (...args: any[]) => Promise<any>>(fn: F & FallbackFits<R, Awaited<ReturnType<F>>>): F;
  /** TC39 standard method decorator. */
  <This, Args extends any[], T>(
    value: (this: This, ...args: Args) => Promise<T>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<T>> & FallbackFits<R, T>,
  ): (this: This, ...args: Args) => Promise<T>;
  /** Legacy `experimentalDecorators` method decorator. */
  <M extends (...args: any[]) => Promise<any>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<M> & FallbackFits<R, Awaited<ReturnType<M>>>,
  ): TypedPropertyDescriptor<M>;
}

/**
 * `@fallback({ fallback: [] })` on an async method, or `fallback(opts)(fn)`: a failed call resolves
 * with the fallback value (see {@link createFallback}). One policy per decoration, so `onFallback`
 * is not reachable here: use `createFallback` and `policyDecorator` for events. Stacking follows
 * the other decorators: `@fallback(...) @retry() @circuitBreaker('x') m()` is
 * `wrap(fallback, retry, breaker)`, giving the value once retries run out or the circuit is open.
 */
export function fallback<R>(options: FallbackPolicyOptions<R>): FallbackDecorator<R> {
  // FallbackFits guarantees the value fits each decorated method's result, so for those methods
  // the fallback policy is a plain Policy (it resolves with what the method may resolve with)
  const policy = createFallback(options) as unknown as Policy;
  return policyDecorator(policy, 'fallback') as FallbackDecorator<R>;
}
