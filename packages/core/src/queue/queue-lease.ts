import type { Clock, TimerHandle } from '../clock/clock.js';
import type { StateStore } from '../store/state-store.js';

/** How long a replica's claim on a stored queued request lasts unless renewed, by default. */
export const DEFAULT_QUEUE_LEASE_MS = 15_000;

/**
 * A replica's lease on one stored queued request while it replays it: taken with the store's
 * atomic `claim`, renewed every third of `leaseMs` on a background timer while held, released
 * (and the timer cleared) by {@link release}. A lease that could not be renewed (another replica
 * took it after it expired) is reported once through `onLost`.
 */
export class QueueLease {
  readonly #store: Required<Pick<StateStore, 'claim' | 'release'>>;
  readonly #key: string;
  readonly #owner: string;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #onLost: (error?: unknown) => void;
  #timer: TimerHandle | undefined;
  #released = false;

  private constructor(store: Required<Pick<StateStore, 'claim' | 'release'>>, key: string, owner: string, clock: Clock, leaseMs: number, onLost: (error?: unknown) => void) {
    this.#store = store;
    this.#key = key;
    this.#owner = owner;
    this.#clock = clock;
    this.#leaseMs = leaseMs;
    this.#onLost = onLost;
  }

  /** The lease, or undefined when another owner holds it. Rejects when the store cannot be reached. */
  static async take(
    store: Required<Pick<StateStore, 'claim' | 'release'>>,
    key: string,
    owner: string,
    options: { clock: Clock; leaseMs: number; onLost: (error?: unknown) => void },
  ): Promise<QueueLease | undefined> {
    if (!(await store.claim(key, owner, options.leaseMs))) return undefined;
    const lease = new QueueLease(store, key, owner, options.clock, options.leaseMs, options.onLost);
    lease.#schedule();
    return lease;
  }

  /** Stop renewing and give the lease up (a failure to release only lets it expire). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#store.release(this.#key, this.#owner).catch(() => undefined);
  }

  #schedule(): void {
    this.#timer = this.#clock.setBackgroundTimeout(() => {
      this.#timer = undefined;
      if (this.#released) return;
      this.#store.claim(this.#key, this.#owner, this.#leaseMs).then(
        (held) => {
          if (this.#released) return;
          if (held) this.#schedule();
          else this.#onLost();
        },
        (err: unknown) => {
          // the store is unreachable: keep trying; the lease may expire meanwhile
          if (!this.#released) this.#schedule();
          void err;
        },
      );
    }, Math.max(1, Math.floor(this.#leaseMs / 3)));
  }
}
