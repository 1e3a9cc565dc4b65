import { CircuitState, type CircuitBreakerPolicy, type Clock, type TimerHandle } from '@rampart/core';
import type { Redis } from 'ioredis';

/** How long before a shared breaker's `halfOpenAt` its processes decide which one probes, ms. */
export const PROBE_LEAD_MS = 200;

/**
 * One process at a time probes a shared breaker: shortly before an open breaker's `halfOpenAt`
 * (by {@link PROBE_LEAD_MS}), each process tries to take the probe lease of that half-open time
 * (`SET key NX PX`, one per breaker and `halfOpenAt`). The winner lets its breaker half-open as
 * usual; the others push their own `halfOpenAt` back by `leaseMs` (`postpone`), so they send no
 * probe meanwhile, and try again then: the winner's probe outcome (closed, or open with a new
 * `halfOpenAt`) normally reaches them first. With Redis unreachable, each process probes on its own.
 * One background timer per open breaker, cleared when it closes and by {@link dispose}.
 */
export class ProbeLeases {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #owner: string;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #postpone: (breaker: CircuitBreakerPolicy, from: number, to: number) => void;
  readonly #timers = new Map<string, { handle: TimerHandle; halfOpenAt: number }>();

  constructor(options: { redis: Redis; keyPrefix: string; owner: string; clock: Clock; leaseMs: number; postpone: (breaker: CircuitBreakerPolicy, from: number, to: number) => void }) {
    this.#redis = options.redis;
    this.#keyPrefix = options.keyPrefix;
    this.#owner = options.owner;
    this.#clock = options.clock;
    this.#leaseMs = options.leaseMs;
    this.#postpone = options.postpone;
  }

  /** (Re)arm for the breaker's current state: a timer while it is open with a `halfOpenAt`, none otherwise. */
  schedule(breaker: CircuitBreakerPolicy): void {
    const halfOpenAt = breaker.state === CircuitState.Open ? breaker.halfOpenAt : undefined;
    const armed = this.#timers.get(breaker.name);
    if (armed && armed.halfOpenAt === halfOpenAt) return;
    this.cancel(breaker.name);
    if (halfOpenAt === undefined) return;
    const handle = this.#clock.setBackgroundTimeout(() => {
      this.#timers.delete(breaker.name);
      void this.#decide(breaker, halfOpenAt);
    }, Math.max(0, halfOpenAt - PROBE_LEAD_MS - this.#clock.wallNow()));
    this.#timers.set(breaker.name, { handle, halfOpenAt });
  }

  cancel(name: string): void {
    const armed = this.#timers.get(name);
    if (armed) this.#clock.clearTimeout(armed.handle);
    this.#timers.delete(name);
  }

  dispose(): void {
    for (const name of [...this.#timers.keys()]) this.cancel(name);
  }

  async #decide(breaker: CircuitBreakerPolicy, halfOpenAt: number): Promise<void> {
    let won: boolean;
    try {
      const ttl = Math.max(1, Math.ceil(halfOpenAt - this.#clock.wallNow() + this.#leaseMs));
      won = (await this.#redis.set(`${this.#keyPrefix}${breaker.name}:${halfOpenAt}`, this.#owner, 'PX', ttl, 'NX')) === 'OK';
    } catch {
      won = true; // Redis unreachable: probe locally
    }
    if (won || breaker.state !== CircuitState.Open || breaker.halfOpenAt !== halfOpenAt) return;
    this.#postpone(breaker, halfOpenAt, halfOpenAt + this.#leaseMs);
    this.schedule(breaker);
  }
}
