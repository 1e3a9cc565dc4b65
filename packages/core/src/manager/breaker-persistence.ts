import type { BreakerSnapshot } from '../breaker/breaker-snapshot.js';
import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { circuitBreakers } from '../breaker/circuit-breaker-registry.js';
import type { Disposable } from '../policy/policy.js';
import type { ResourceType } from '../resource/resource-types.js';
import type { StateStore } from '../store/state-store.js';
import { circuitId, type ResourceBreakers } from './resource-breakers.js';

/**
 * Persists circuit breaker states of one team: its provider breakers
 * (`${team}/breaker/resource/${type}/${provider}`), its resource-level breakers of types without
 * providers (`${team}/breaker/resource/${type}`), and the process's named breakers from the default registry (`${team}/breaker/named/${name}`, e.g.
 * `@circuitBreaker('database_query')`). Each state change writes a snapshot; `restore` loads them.
 * Writes to one key are serialised so the last state wins.
 */
export class BreakerPersistence {
  readonly #store: StateStore;
  readonly #prefix: string;
  readonly #onError: (message: string, error: unknown) => void;
  readonly #chains = new Map<string, Promise<void>>();
  #subscriptions: Disposable[] = [];

  constructor(store: StateStore, team: string, onError: (message: string, error: unknown) => void) {
    this.#store = store;
    this.#prefix = `${team}/breaker/`;
    this.#onError = onError;
  }

  /** Save a manager breaker's state (call on each of its state changes). */
  saveResource(type: ResourceType, provider: string | undefined, breaker: CircuitBreakerPolicy): void {
    this.#save(`resource/${circuitId(type, provider)}`, breaker);
  }

  /** Restore saved states into the team's resource and provider breakers and the registry's named breakers, and watch the latter. */
  async restore(breakers: ResourceBreakers): Promise<void> {
    const entries = await this.#store.entries(this.#prefix);
    const named = new Map(circuitBreakers.list().map((b) => [b.name, b]));
    for (const [key, value] of entries) {
      const rest = key.slice(this.#prefix.length);
      try {
        if (rest.startsWith('resource/')) {
          // `${type}` or `${type}/${provider}`, the circuit's id: byName parses it, and gives undefined
          // for a type the manager no longer knows (a custom type dropped from the config)
          const id = rest.slice('resource/'.length) as ResourceType;
          breakers.byName(breakers.name(id, undefined))?.restore(value as BreakerSnapshot);
        } else if (rest.startsWith('named/')) named.get(rest.slice('named/'.length))?.restore(value as BreakerSnapshot);
      } catch (err) {
        this.#onError(`could not restore circuit state ${key}`, err);
      }
    }
    this.#unwatch();
    this.#subscriptions = [...named.values()].map((b) => b.onStateChange(() => this.#save(`named/${b.name}`, b)));
  }

  /** Stop watching named breakers and wait for every write. */
  async close(): Promise<void> {
    this.#unwatch();
    await Promise.allSettled([...this.#chains.values()]);
  }

  #unwatch(): void {
    for (const s of this.#subscriptions) s.dispose();
    this.#subscriptions = [];
  }

  #save(key: string, breaker: CircuitBreakerPolicy): void {
    const snapshot = breaker.snapshot();
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#store.set(this.#prefix + key, snapshot))
      .catch((err: unknown) => this.#onError(`could not persist circuit state ${key}`, err));
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }
}
