/* eslint-disable @typescript-eslint/no-explicit-any */

/** What a method wrapper learns about what it wraps. */
export interface WrapTarget {
  /** The method's or function's name (`generateContent`). */
  readonly name: string;
  /** Whether this wraps a class method (decorator use) or a free function. */
  readonly kind: 'method' | 'function';
}

/** Turns a function into its guarded version; `this` is forwarded by the returned function. */
export type MethodWrapper = <F extends (...args: any[]) => any>(fn: F, target: WrapTarget) => F;

/**
 * A factory's result that works three ways, so one implementation serves every style:
 * - as a TC39 standard method decorator (`@retry(opts)`, TypeScript 5+ / swc 2022-03),
 * - as a legacy `experimentalDecorators` method decorator (inversify users),
 * - as a wrapper of a free function: `retry(opts)(fn)` returns a function of the same type.
 *
 * The guarded call always returns a promise, and a decorator cannot change a method's type, so only
 * functions and methods that return a promise are accepted: `@retry()` on `size(): number` is a
 * compile error rather than a `number` that is really a `Promise`.
 */
export interface DualDecorator {
  /** Wrap a free async function. */
  <F extends (...args: any[]) => PromiseLike<any>>(fn: F): F;
  /** TC39 standard method decorator, on an async method. */
  <This, Args extends any[], R extends PromiseLike<any>>(
    value: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R;
  /** Legacy `experimentalDecorators` method decorator, on an async method. */
  <M extends (...args: any[]) => PromiseLike<any>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): TypedPropertyDescriptor<M>;
}

function rename<F extends (...args: any[]) => any>(wrapped: F, name: string): F {
  Object.defineProperty(wrapped, 'name', { value: name, configurable: true });
  return wrapped;
}

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value;
}

/**
 * Build a {@link DualDecorator} from a wrapper. The wrapper is applied once per decorated method
 * (not per instance, not per call); it must forward `this` (use a `function`, not an arrow).
 */
export function makeDualDecorator(wrapper: MethodWrapper, factoryName: string): DualDecorator {
  function decorate(this: unknown, ...a: unknown[]): unknown {
    const [first, second, third] = a;
    if (typeof first === 'function' && a.length === 1) {
      return rename(wrapper(first as (...args: any[]) => any, { name: first.name, kind: 'function' }), first.name);
    }
    if (typeof first === 'function' && isStandardContext(second)) {
      if (second.kind !== 'method') {
        throw new TypeError(`@${factoryName} decorates methods; it was applied to a ${second.kind}`);
      }
      const name = String(second.name);
      return rename(wrapper(first as (...args: any[]) => any, { name, kind: 'method' }), name);
    }
    if (a.length === 3 && typeof third === 'object' && third !== null) {
      const descriptor = third as PropertyDescriptor;
      if (typeof descriptor.value !== 'function') {
        throw new TypeError(`@${factoryName} decorates methods; ${String(second)} is not a method`);
      }
      const name = String(second);
      descriptor.value = rename(wrapper(descriptor.value, { name, kind: 'method' }), name);
      return descriptor;
    }
    throw new TypeError(`${factoryName}(...) must be applied to a function or used as a method decorator`);
  }
  return decorate as DualDecorator;
}
