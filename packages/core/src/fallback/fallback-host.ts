import type { ResourceType } from '../resource/resource-types.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import type { CallIdentity } from './chain-types.js';

/** Marks a {@link FallbackHost} (the ResilienceManager); a registered symbol, so it survives two copies of core. */
export const FALLBACK_HOST: unique symbol = Symbol.for('rampart.fallback-host') as never;
/** Marks a method wrapped by `@withFallback`, with what it guards. */
export const FALLBACK_METHOD: unique symbol = Symbol.for('rampart.fallback-method') as never;

/** Options of `ResilienceManager.execute`. */
export interface ExecuteWithFallbackOptions {
  /** Names the operation for USE_CACHE and coalescing (with the arguments' canonical JSON). Default: the function's name. */
  key?: string | undefined;
  /**
   * The arguments `fn` is called with (`fn(...args)`); also the cache key's and persistence's
   * input. Without them, `fn` is called with the invocation's `FallbackAttempt`.
   */
  args?: readonly unknown[] | undefined;
  /**
   * When `fn` takes the attempt (no `args`): the values that identify the call's input for USE_CACHE
   * and coalescing, with `key` (e.g. a tool's arguments). Ignored when `args` are given.
   */
  input?: readonly unknown[] | undefined;
  /** Cancels the call, its fallback waits and its queue slot. */
  signal?: AbortSignal | undefined;
  /**
   * The call settles within this long, ms (> 0): with its answer or error, or a TimeoutError once it
   * passes (its signal aborts then). Default: the manager's `deadlineMs` (300,000).
   */
  deadlineMs?: number | undefined;
  /** QUEUE_REQUEST priority: higher is replayed first. Default 0. */
  priority?: number | undefined;
  /** The decorated method making the call: lets a queued call be persisted and replayed after a restart. */
  identity?: CallIdentity | undefined;
  /** Calls the same method on the same instance again (for replays of persisted requests). */
  replay?: ((args: unknown[]) => unknown) | undefined;
  /**
   * The ordered targets of this call (primary first), instead of the resource type's registered
   * list: the plain attempt uses the first, SWITCH_PROVIDER walks them, and cooldowns, circuit
   * breakers and `${type}:${provider}` monitors work on these names (so integrations can keep their
   * logical targets apart, e.g. `['supabase/primary', 'supabase/secondary']`). Names may contain '/'.
   */
  providers?: readonly string[] | undefined;
  /**
   * The kind of operation this call is (`'read'`, `'write'`, any name your failures use): a
   * provider that failed with `FailureMeaning.unusableFor(operation)` (`scope: 'operation'`) is left
   * out of calls of that operation for a cooldown, and keeps taking every other call.
   */
  operation?: string | undefined;
}

/** What `@withFallback` needs from the manager it finds on an instance. */
export interface FallbackHost {
  readonly [FALLBACK_HOST]: true;
  execute<T>(
    resourceType: ResourceTypeName,
    fn: (...args: never[]) => T | PromiseLike<T>,
    options?: ExecuteWithFallbackOptions,
  ): Promise<Awaited<T>>;
  /** Make an instance's decorated methods available for replaying persisted requests; returns how many. */
  attach(instance: object): number;
}

/** What a `@withFallback` method carries under {@link FALLBACK_METHOD}. */
export interface FallbackMethodInfo {
  readonly resourceType: ResourceTypeName;
  readonly method: string;
  /** The undecorated method (what a replay calls). */
  readonly original: (...args: unknown[]) => unknown;
  /** The decorator's `key`, when given: the stable name its calls are persisted and replayed under. */
  readonly key?: string | undefined;
}

/**
 * The identity a guarded call is persisted and replayed under: the explicit `key` when given
 * (`{ className: '', method: key }`: no class name, which a minifier would rename), else
 * `Class.method` from the instance's class name; undefined for a free function without a key.
 */
export function callIdentity(className: string | undefined, method: string, key: string | undefined): CallIdentity | undefined {
  if (key !== undefined) return { className: '', method: key };
  return className === undefined ? undefined : { className, method };
}

export function isFallbackHost(value: unknown): value is FallbackHost {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FALLBACK_HOST] === true;
}

/** The class name of an instance, for identities and messages. */
export function classNameOf(instance: unknown): string {
  const ctor = (instance as { constructor?: { name?: unknown } } | null | undefined)?.constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'anonymous class';
}

const hosts = new WeakMap<object, FallbackHost>();

/**
 * The manager of an instance: its `resilience` property, else the first own property holding one
 * (private `#fields` cannot be seen). Cached per instance.
 */
export function findFallbackHost(instance: unknown): FallbackHost | undefined {
  if (typeof instance !== 'object' || instance === null) return undefined;
  const cached = hosts.get(instance);
  if (cached) return cached;
  const record = instance as Record<PropertyKey, unknown>;
  let found = isFallbackHost(record.resilience) ? record.resilience : undefined;
  if (!found) {
    for (const key of Reflect.ownKeys(instance)) {
      const v = Object.getOwnPropertyDescriptor(instance, key)?.value;
      if (isFallbackHost(v)) {
        found = v;
        break;
      }
    }
  }
  if (found) hosts.set(instance, found);
  return found;
}
