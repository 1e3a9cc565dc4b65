import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import type { FallbackStrategy, ResourceType } from '../resource/resource-types.js';

/**
 * What a fallback chain decided for the invocation that is running now. A method guarded by
 * `@withFallback` reads it with {@link currentFallback} to learn which provider to call and how much
 * to degrade; its signature never changes.
 */
export interface FallbackContext {
  /** The resource whose chain is running. */
  readonly resource: ResourceTypeName;
  /** The strategy that re-invoked the method. */
  readonly strategy: FallbackStrategy;
  /** The provider (LLM provider, replica, MCP server) to use; undefined = the first/primary one. */
  readonly provider: string | undefined;
  /** 0 = full service; each DEGRADE_SERVICE level adds 1. */
  readonly degradation: number;
  /** 1 for the call's first invocation; every re-invocation by the chain adds 1. */
  readonly attempt: number;
}

/**
 * A guarded invocation in progress: a chain of `owner` (a manager) for `resource` is running its
 * function. Frames link to the invocation they were started in; `settled` turns true when the
 * invocation ends, so work it left behind (a detached promise, a timer) is no longer inside it.
 */
interface GuardFrame {
  readonly owner: object;
  readonly resource: ResourceTypeName;
  readonly parent: GuardFrame | undefined;
  settled: boolean;
}

/** One AsyncLocalStorage for both: the public fallback context and the guarded invocations around it. */
interface Scope {
  readonly context: FallbackContext | undefined;
  readonly guard: GuardFrame | undefined;
}

const storage = new AsyncLocalStorage<Scope>();

/**
 * The fallback decision for the current invocation, or undefined on a plain first attempt (no
 * chain involved). Reads an AsyncLocalStorage, so it follows awaits and callbacks.
 */
export function currentFallback(): FallbackContext | undefined {
  return storage.getStore()?.context;
}

/**
 * Run `fn` with `context` as {@link currentFallback}. With `context` undefined, `fn` runs as a
 * plain attempt even when an outer chain is active (a nested guarded call starts fresh).
 */
export function runWithFallbackContext<T>(context: FallbackContext | undefined, fn: () => T): T {
  const scope = storage.getStore();
  if (context === undefined && scope?.context === undefined) return fn();
  return storage.run({ context, guard: scope?.guard }, fn);
}

/**
 * Invoke `fn` as one guarded invocation of `owner`'s chain for `resource`, with `context` as
 * {@link currentFallback} (undefined on the plain first attempt). Until it settles,
 * {@link isGuardedInvocation}(owner, resource) is true inside it. Internal to the manager.
 */
export function runGuardedInvocation<T>(
  owner: object,
  resource: ResourceType,
  context: FallbackContext | undefined,
  fn: () => PromiseLike<T> | T,
): Promise<T> {
  const frame: GuardFrame = { owner, resource, parent: storage.getStore()?.guard, settled: false };
  const settle = () => {
    frame.settled = true;
  };
  let result: Promise<T>;
  try {
    result = Promise.resolve(storage.run({ context, guard: frame }, fn));
  } catch (err) {
    settle();
    return Promise.reject(err);
  }
  // (not an async function: this hot path saves a promise and a tick per invocation)
  result.then(settle, settle);
  return result;
}

/**
 * Whether the caller runs inside an unsettled guarded invocation of `owner`'s chain for
 * `resource` (at any depth): a nested call that this chain already decides for.
 */
export function isGuardedInvocation(owner: object, resource: ResourceType): boolean {
  for (let f = storage.getStore()?.guard; f !== undefined; f = f.parent) {
    if (!f.settled && f.owner === owner && f.resource === resource) return true;
  }
  return false;
}
