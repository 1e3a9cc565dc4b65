/* eslint-disable @typescript-eslint/no-explicit-any */
import { makeDualDecorator, type DualDecorator } from '../decorators/method-decorator.js';
import { ConfigError } from '../errors/config-error.js';
import { isBuiltInResourceType, RESOURCE_TYPE_NAME_PATTERN, type ResourceTypeName } from '../resource/resource-type-name.js';
import {
  FALLBACK_METHOD,
  callIdentity,
  classNameOf,
  findFallbackHost,
  isFallbackHost,
  type FallbackHost,
  type FallbackMethodInfo,
} from './fallback-host.js';
import type { OptionKeys } from '../config/known-keys.js';
import { optionsObject, positiveNumber } from '../config/validate.js';

/** Options of {@link withFallback}. */
export interface WithFallbackOptions {
  /**
   * A stable name of the operation: its cache / coalescing key, and the name its queued calls are
   * persisted under and found by when replayed after a restart. Default `Class.method` (or the
   * function's name), from the class's name, which a minifier renames (and may rename differently in
   * the next build, leaving persisted calls without a method to replay them): give `key` when the
   * code is minified and QUEUE_REQUEST persists calls.
   */
  key?: string;
  /** QUEUE_REQUEST priority of its calls: higher is replayed first. Default 0. */
  priority?: number;
  /** Each call settles within this long, ms (attempts, waits, queueing). Default: the manager's `deadlineMs` (300,000). */
  deadlineMs?: number;
  /**
   * The manager to use. Default: the instance's `resilience` property, or any own property holding
   * a ResilienceManager. Required when wrapping a free function.
   */
  manager?: FallbackHost;
}

/** Every option of {@link WithFallbackOptions}: any other key is a ConfigError. */
const WITH_FALLBACK_KEYS: OptionKeys<WithFallbackOptions> = { key: true, priority: true, deadlineMs: true, manager: true };

function isStandardMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'method';
}

/**
 * Guard a method with its team's fallback chain for `resourceType` (seed: `@with_fallback`). The
 * method runs as usual; when it fails (after its own `@retry`/`@circuitBreaker`, which sit below
 * this decorator), or before it runs when the resource's monitors report it down, the manager's
 * chain takes over and re-invokes it with `currentFallback()` telling which provider and
 * degradation to use. The manager is found on the instance (the `resilience` property, or any
 * property holding a ResilienceManager); a clear error names the class when there is none.
 * Works as a TC39 decorator, a legacy (`experimentalDecorators`) decorator, and as
 * `withFallback(type, { manager })(fn)` for free functions. Guarded methods return promises.
 * `resourceType` may be a custom type (`'vector_db'`): a name that is not a built-in must be
 * lowercase snake_case here, and each call rejects with a ConfigError listing the known types when
 * the manager's config does not declare it in `resourceTypes`.
 */
export function withFallback(resourceType: ResourceTypeName, options: WithFallbackOptions = {}): DualDecorator {
  if (!isBuiltInResourceType(resourceType) && (typeof resourceType !== 'string' || !RESOURCE_TYPE_NAME_PATTERN.test(resourceType))) {
    throw new ConfigError('withFallback.resourceType', `unknown resource type ${JSON.stringify(resourceType)}: must be a built-in ResourceType or a custom type's lowercase snake_case name`, resourceType);
  }
  optionsObject('withFallback.options', options, WITH_FALLBACK_KEYS);
  const deadlineMs = options.deadlineMs === undefined ? undefined : positiveNumber('withFallback.options.deadlineMs', options.deadlineMs, { allowInfinity: true });
  if (options.manager !== undefined && !isFallbackHost(options.manager)) {
    throw new ConfigError('withFallback.manager', 'must be a ResilienceManager', options.manager);
  }
  const type = resourceType;
  const dual = makeDualDecorator((fn, target) => {
    const method = target.name;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const isMethod = target.kind === 'method';
      const host = options.manager ?? (isMethod ? findFallbackHost(this) : undefined);
      const className = isMethod ? classNameOf(this) : undefined;
      if (!host) {
        const where = className ? `${className}.${method}` : method || 'anonymous function';
        const message = className
          ? `@withFallback: no ResilienceManager found on the ${className} instance; add one as a property (e.g. \`resilience = new ResilienceManager('my-team')\`) or pass { manager }`
          : 'withFallback(...)(fn) needs { manager } to wrap a free function';
        return Promise.reject(new ConfigError(where, message, undefined));
      }
      const self = this;
      const identity = callIdentity(className, method, options.key);
      return host.execute(type, (...a: unknown[]) => fn.apply(self, a), {
        args,
        key: options.key ?? (identity ? `${className}.${method}` : method || undefined),
        priority: options.priority,
        deadlineMs,
        identity,
        replay: identity ? (a: unknown[]) => fn.apply(self, a) : undefined,
      });
    };
    const info: FallbackMethodInfo = { resourceType: type, method, original: fn, key: options.key };
    Object.defineProperty(wrapped, FALLBACK_METHOD, { value: info });
    return wrapped as any;
  }, 'withFallback');

  // In TC39 mode, an initializer lets each new instance offer its methods for replaying persisted
  // requests as soon as it is constructed (after its fields, hence the microtask).
  function decorate(this: unknown, ...a: unknown[]): unknown {
    const context = a[1];
    if (a.length === 2 && typeof a[0] === 'function' && isStandardMethodContext(context) && !context.static) {
      context.addInitializer(function (this: unknown) {
        const instance = this;
        queueMicrotask(() => findFallbackHost(instance)?.attach(instance as object));
      });
    }
    return (dual as (...args: unknown[]) => unknown).apply(this, a);
  }
  return decorate as DualDecorator;
}
