/**
 * What a probe's outcome means for a half-open circuit: `reclaimed` (its slot had been reclaimed, so
 * it no longer counts), `failed` (a counted failure or slow call: reopen), `recovered` (`maxCalls`
 * probes have succeeded: close), `pending` (neither yet, or an outcome that does not count).
 */
export type ProbeVerdict = 'reclaimed' | 'failed' | 'recovered' | 'pending';

/**
 * The probe slots of a half-open circuit: at most `maxCalls` probes in flight, each identified by
 * an id and its start time. Slots of probes older than `timeoutMs` are reclaimed lazily, when a new
 * call finds every slot taken (no timer); a reclaimed probe's late outcome is then ignored.
 */
export class HalfOpenProbes {
  /** Flat pairs [id, startedAtMs, id, startedAtMs, ...]; at most `maxCalls` pairs. */
  readonly #slots: number[] = [];
  #nextId = 0;
  /** Probes that succeeded in this half-open period. */
  successes = 0;
  /** Slots reclaimed from probes that outlived `timeoutMs`. */
  timedOut = 0;

  constructor(
    readonly maxCalls: number,
    readonly timeoutMs: number,
  ) {}

  get inFlight(): number {
    return this.#slots.length >> 1;
  }

  /** Take a slot at monotonic `nowMs`; returns the probe id, or 0 when every slot is taken. */
  admit(nowMs: number): number {
    const slots = this.#slots;
    if (slots.length >> 1 >= this.maxCalls) {
      for (let i = slots.length - 2; i >= 0; i -= 2) {
        if (nowMs - slots[i + 1]! >= this.timeoutMs) {
          slots.splice(i, 2);
          this.timedOut++;
        }
      }
      if (slots.length >> 1 >= this.maxCalls) return 0;
    }
    const id = ++this.#nextId;
    slots.push(id, nowMs);
    return id;
  }

  /** Give the probe's slot back; false when it was already reclaimed (its outcome no longer counts). */
  release(id: number): boolean {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] === id) {
        slots.splice(i, 2);
        return true;
      }
    }
    return false;
  }

  /** Give the probe's slot back and judge its outcome (`failed`: a counted failure or slow call). */
  settle(id: number, counted: boolean, failed: boolean): ProbeVerdict {
    if (!this.release(id)) return 'reclaimed';
    if (!counted) return 'pending';
    if (failed) return 'failed';
    return ++this.successes >= this.maxCalls ? 'recovered' : 'pending';
  }

  /** Monotonic time at which the oldest probe's slot can be reclaimed (Infinity when none can). */
  nextReclaimAt(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 1; i < this.#slots.length; i += 2) oldest = Math.min(oldest, this.#slots[i]!);
    return oldest + this.timeoutMs;
  }

  clear(): void {
    this.#slots.length = 0;
    this.successes = 0;
  }
}
