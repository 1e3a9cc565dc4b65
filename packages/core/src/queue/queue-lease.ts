import type { Clock, TimerHandle } from '../clock/clock.js';
import type { StateStore } from '../store/state-store.js';

/** How long a replica's claim on a stored queued request lasts unless renewed, by default. */
export const DEFAULT_QUEUE_LEASE_MS = 15_000;

/**
 * A replica's lease on one stored queued request while it replays it: taken with the store's
 * atomic `claim`, renewed every third of `leaseMs` on a background timer while held, released
 * (and the timer cleared) by {@link release}. A lease that could not be renewed (another replica
 * took it after it expired) is reported once through `onLost`. A lease can also be pursued
 * ({@link pursue}) for a request already being replayed without one.
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
  /** Whether the store holds it for this owner (false only while a pursued lease is not taken yet). */
  #held = true;

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

  /**
   * Claim a lease after the fact, for a stored request this owner is already replaying without one
   * (the store could not be reached when the replay began; its record may land once it is back):
   * the claim is tried every `retryMs` in the background until it is held (then renewed like
   * {@link take}'s) or another owner holds it (`onLost`), so another replica that reads the record
   * once the store is back finds it leased instead of replaying it a second time.
   */
  static pursue(
    store: Required<Pick<StateStore, 'claim' | 'release'>>,
    key: string,
    owner: string,
    options: { clock: Clock; leaseMs: number; retryMs: number; onLost: (error?: unknown) => void },
  ): QueueLease {
    const lease = new QueueLease(store, key, owner, options.clock, options.leaseMs, options.onLost);
    lease.#held = false;
    lease.#schedule(options.retryMs);
    return lease;
  }

  /** Whether the store holds the lease for this owner now (a pursued lease: once its claim succeeded). */
  get held(): boolean {
    return this.#held && !this.#released;
  }

  /** Stop renewing (or pursuing) and give the lease up (a failure to release only lets it expire). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held) await this.#store.release(this.#key, this.#owner).catch(() => undefined);
  }

  #schedule(delayMs = Math.max(1, Math.floor(this.#leaseMs / 3))): void {
    this.#timer = this.#clock.setBackgroundTimeout(() => {
      this.#timer = undefined;
      if (this.#released) return;
      this.#store.claim(this.#key, this.#owner, this.#leaseMs).then(
        (held) => {
          if (this.#released) {
            // released while this claim was in flight: give back what it took
            if (held) void this.#store.release(this.#key, this.#owner).catch(() => undefined);
            return;
          }
          if (held) {
            this.#held = true;
            this.#schedule();
          } else {
            this.#held = false;
            this.#onLost();
          }
        },
        (err: unknown) => {
          // the store is unreachable: keep trying; the lease may expire meanwhile
          if (!this.#released) this.#schedule(this.#held ? undefined : delayMs);
          void err;
        },
      );
    }, delayMs);
  }
}
