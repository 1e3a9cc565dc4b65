import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory-store.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { QueueLease } from './queue-lease.js';

/** A MemoryStore whose claims reject while `down` and can be held back (resolved by `answer`) while `holding`. */
class Store extends MemoryStore {
  down = false;
  holding = false;
  claims = 0;
  readonly #held: Array<() => void> = [];
  override async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.claims++;
    if (this.down) throw new Error('store unreachable');
    if (this.holding) await new Promise<void>((resolve) => this.#held.push(resolve));
    return super.claim(key, owner, ttlMs);
  }
  answer(): void {
    this.holding = false;
    for (const go of this.#held.splice(0)) go();
  }
}

const options = (clock: FakeClock, lost: string[]) => ({ clock, leaseMs: 3_000, retryMs: 500, onLost: () => void lost.push('lost') });

describe('QueueLease.pursue', () => {
  it('tries every retryMs while the store is unreachable, holds the lease once it is back, renews it, and gives it up on release', async () => {
    const clock = new FakeClock();
    const store = new Store();
    store.down = true;
    const lost: string[] = [];
    const lease = QueueLease.pursue(store, 'k', 'a', options(clock, lost));
    expect(lease.held).toBe(false);
    for (let i = 0; i < 3; i++) {
      clock.tick(500);
      await flushMicrotasks();
    }
    expect(store.claims).toBe(3);
    expect(lease.held).toBe(false);
    store.down = false;
    clock.tick(500);
    await flushMicrotasks();
    expect(lease.held).toBe(true);
    expect(await store.claim('k', 'b', 3_000)).toBe(false); // held for 'a'
    clock.tick(2_999); // renewed every leaseMs / 3, past its first ttl
    await flushMicrotasks();
    clock.tick(1_000);
    await flushMicrotasks();
    expect(await store.claim('k', 'b', 3_000)).toBe(false);
    await lease.release();
    expect(lease.held).toBe(false);
    expect(await store.claim('k', 'b', 3_000)).toBe(true);
    expect(lost).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports once, and stops trying, when another owner holds the lease', async () => {
    const clock = new FakeClock();
    const store = new Store();
    await store.claim('k', 'b', 60_000);
    const lost: string[] = [];
    const lease = QueueLease.pursue(store, 'k', 'a', options(clock, lost));
    clock.tick(500);
    await flushMicrotasks();
    clock.tick(5_000);
    await flushMicrotasks();
    expect(lost).toEqual(['lost']);
    expect(store.claims).toBe(2); // b's own claim and a's one try
    await lease.release();
    expect(await store.claim('k', 'b', 60_000)).toBe(true); // a's release did not free b's lease
  });

  it('gives back a lease its claim took after it was released', async () => {
    const clock = new FakeClock();
    const store = new Store();
    store.holding = true;
    const lease = QueueLease.pursue(store, 'k', 'a', options(clock, []));
    clock.tick(500);
    await flushMicrotasks();
    await lease.release(); // the claim is still in flight
    store.answer();
    await flushMicrotasks();
    expect(await store.claim('k', 'b', 3_000)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});
