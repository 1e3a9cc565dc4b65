import { AsyncLocalStorage } from 'node:async_hooks';
import type { FallbackStrategy, ResourceType } from '../resource/resource-types.js';

/**
 * What a fallback chain decided for the invocation that is running now. A method guarded by
 * `@withFallback` reads it with {@link currentFallback} to learn which provider to call and how much
 * to degrade; its signature never changes.
 */
export interface FallbackContext {
  /** The resource whose chain is running. */
  readonly resource: ResourceType;
  /** The strategy that re-invoked the method. */
  readonly strategy: FallbackStrategy;
  /** The provider (LLM provider, replica, MCP server) to use; undefined = the first/primary one. */
  readonly provider: string | undefined;
  /** 0 = full service; each DEGRADE_SERVICE level adds 1. */
  readonly degradation: number;
  /** 1 for the call's first invocation; every re-invocation by the chain adds 1. */
  readonly attempt: number;
}

const storage = new AsyncLocalStorage<FallbackContext | undefined>();

/**
 * The fallback decision for the current invocation, or undefined on a plain first attempt (no
 * chain involved). Reads an AsyncLocalStorage, so it follows awaits and callbacks.
 */
export function currentFallback(): FallbackContext | undefined {
  return storage.getStore();
}

/**
 * Run `fn` with `context` as {@link currentFallback}. With `context` undefined, `fn` runs as a
 * plain attempt even when an outer chain is active (a nested guarded call starts fresh).
 */
export function runWithFallbackContext<T>(context: FallbackContext | undefined, fn: () => T): T {
  if (context === undefined && storage.getStore() === undefined) return fn();
  return storage.run(context, fn);
}
