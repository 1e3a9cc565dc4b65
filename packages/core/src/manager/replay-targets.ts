import type { CallIdentity } from '../fallback/chain-types.js';
import { FALLBACK_METHOD, callIdentity, classNameOf, type FallbackMethodInfo } from '../fallback/fallback-host.js';
import type { RequestQueue } from '../queue/request-queue.js';
import type { ResourceType } from '../resource/resource-types.js';

/** Replays one persisted call through a method on an instance. */
export type ReplayInvoker = (type: ResourceType, identity: CallIdentity, call: (args: unknown[]) => unknown, args: unknown[]) => Promise<unknown>;

/**
 * Tracks which `@withFallback` methods exist on instances holding this manager, and offers them to
 * the request queue as replay targets for persisted requests (identified by the method's `key`
 * when it has one, else by class name and method: minified class names need the `key`).
 * The first instance seen for a class and method is the one replays go through.
 */
export class ReplayTargets {
  readonly #queue: RequestQueue;
  readonly #invoke: ReplayInvoker;
  readonly #targets = new Set<string>();
  readonly #instances = new WeakSet<object>();

  constructor(queue: RequestQueue, invoke: ReplayInvoker) {
    this.#queue = queue;
    this.#invoke = invoke;
  }

  /** Offer every decorated method of `instance` (its prototype chain); returns how many were new to it. */
  attach(instance: object): number {
    if (this.#instances.has(instance)) return 0;
    this.#instances.add(instance);
    let count = 0;
    const className = classNameOf(instance);
    for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        const value: unknown = Object.getOwnPropertyDescriptor(proto, key)?.value;
        const info = typeof value === 'function' ? (value as { [FALLBACK_METHOD]?: FallbackMethodInfo })[FALLBACK_METHOD] : undefined;
        if (!info) continue;
        this.offer(info.resourceType as ResourceType, callIdentity(className, info.method, info.key)!, (a) => info.original.apply(instance, a));
        count++;
      }
    }
    return count;
  }

  /** Offer one method (called on each guarded call, so the first call attaches it at the latest). */
  offer(type: ResourceType, identity: CallIdentity, call: (args: unknown[]) => unknown): void {
    const key = `${identity.className}.${identity.method}`;
    if (this.#targets.has(key)) return;
    this.#targets.add(key);
    this.#queue.attachTarget(identity, (args) => this.#invoke(type, identity, call, args));
  }
}
