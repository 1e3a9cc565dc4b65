import { ConfigError, type Disposable } from '@rampart/core';
import type { Registry } from 'prom-client';
import type { Instrumentation } from './metrics-options.js';

/** Metrics registered once per (registry, prefix) and read from every source (one per team) attached to them. */
export interface SharedFamily<S extends { readonly team: string }> {
  readonly sources: Set<S>;
  unregister(): void;
}

/** The families of one kind (manager metrics, channel metrics), by registry and prefix. */
export type FamilyIndex<F> = WeakMap<Registry, Map<string, F>>;

/**
 * Attach `source` to the family of metrics on `registry` under `prefix` (registering it with
 * `create` when it is the first), and subscribe its events with `subscribe`. One source per team
 * and family: a second one of the same team is refused with a ConfigError at `path`. `dispose()`
 * unsubscribes; the last source's dispose unregisters the family.
 */
export function attachToFamily<S extends { readonly team: string }, F extends SharedFamily<S>>(
  index: FamilyIndex<F>,
  target: { registry: Registry; prefix: string; path: string; what: string },
  create: () => F,
  source: S,
  subscribe: (family: F) => Disposable[],
): Instrumentation {
  const { registry, prefix, path, what } = target;
  let byPrefix = index.get(registry);
  if (!byPrefix) index.set(registry, (byPrefix = new Map()));
  let family = byPrefix.get(prefix);
  if (family && [...family.sources].some((s) => s.team === source.team)) {
    throw new ConfigError(path, `${what} of team "${source.team}" ${what.endsWith('s') ? 'are' : 'is'} already instrumented on this registry`, source.team);
  }
  if (!family) byPrefix.set(prefix, (family = create()));
  const f = family;
  const prefixes = byPrefix;
  f.sources.add(source);
  const subscriptions = subscribe(f);
  let disposed = false;
  return Object.freeze({
    registry,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const s of subscriptions) s.dispose();
      f.sources.delete(source);
      if (f.sources.size === 0) {
        f.unregister();
        prefixes.delete(prefix);
      }
    },
  });
}
