import type { BreakerWindowSnapshot } from './breaker.js';
import { FAILURE, SLOW, type OutcomeWindow } from './outcome-window.js';

/** The outcomes of the last `size` calls: one byte per call in a ring buffer, plus running totals. */
export class CountWindow implements OutcomeWindow {
  readonly #ring: Uint8Array;
  #next = 0;
  #total = 0;
  #failures = 0;
  #slow = 0;

  constructor(readonly size: number) {
    this.#ring = new Uint8Array(size);
  }

  get description(): Readonly<Record<string, string | number>> {
    return Object.freeze({ window: 'count', windowSize: this.size });
  }

  get total(): number {
    return this.#total;
  }

  get failures(): number {
    return this.#failures;
  }

  get slow(): number {
    return this.#slow;
  }

  record(failure: boolean, slow: boolean): void {
    const ring = this.#ring;
    const i = this.#next;
    if (this.#total === ring.length) {
      const evicted = ring[i]!;
      if (evicted & FAILURE) this.#failures--;
      if (evicted & SLOW) this.#slow--;
    } else {
      this.#total++;
    }
    ring[i] = (failure ? FAILURE : 0) | (slow ? SLOW : 0);
    if (failure) this.#failures++;
    if (slow) this.#slow++;
    this.#next = i + 1 === ring.length ? 0 : i + 1;
  }

  reset(): void {
    this.#ring.fill(0);
    this.#next = 0;
    this.#total = 0;
    this.#failures = 0;
    this.#slow = 0;
  }

  /** Outcomes oldest first, as codes (bit 1 = failure, bit 2 = slow). */
  snapshot(): BreakerWindowSnapshot {
    const out: number[] = [];
    const n = this.#ring.length;
    const start = this.#total === n ? this.#next : 0;
    for (let k = 0; k < this.#total; k++) out.push(this.#ring[(start + k) % n]!);
    return { kind: 'count', outcomes: out };
  }

  restore(snapshot: BreakerWindowSnapshot): boolean {
    const outcomes = snapshot.outcomes;
    if (snapshot.kind !== 'count' || !Array.isArray(outcomes)) return false;
    if (!outcomes.every((o) => Number.isInteger(o) && o >= 0 && o <= (FAILURE | SLOW))) return false;
    this.reset();
    // A window saved with a larger size keeps its newest outcomes.
    for (const o of outcomes.slice(-this.#ring.length) as number[]) this.record((o & FAILURE) !== 0, (o & SLOW) !== 0);
    return true;
  }
}
