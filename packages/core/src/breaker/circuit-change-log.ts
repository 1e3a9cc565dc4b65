/** What the log records: a breaker, known by its name. */
export interface LoggedBreaker {
  readonly name: string;
}

/** The breakers a reader must read again, and its position after them (see {@link CircuitChangeLog.read}). */
export interface ChangedBreakers<B extends LoggedBreaker> {
  /** Undefined when the reader fell behind the log (or it was cleared): it must read every breaker. */
  readonly changed: readonly B[] | undefined;
  readonly position: number;
}

/**
 * Which breakers of a registry changed (a call settled or was refused, the state moved, a snapshot
 * was restored, the breaker was created or removed), so that a reader such as the health report
 * reads those again and no others. Each reader keeps its own position in the log.
 *
 * A breaker is appended at most once between two reads (by any reader): it compares the position it
 * was last appended at with {@link drained}, so a busy breaker costs one comparison per call. The log
 * keeps at most {@link capacity} entries; when it drops the oldest, a reader whose position fell
 * behind is told to read every breaker afresh.
 */
export class CircuitChangeLog<B extends LoggedBreaker = LoggedBreaker> {
  #entries: B[] = [];
  /** Position of `#entries[0]`. */
  #base = 0;
  /**
   * Where the latest read ended: a breaker last appended at or after this position is still unread
   * by every reader, and needs no second entry.
   */
  drained = 0;
  /** Entries kept before the oldest half is dropped (the registry keeps it at twice its size, or more). */
  capacity = 1_024;

  /** Position after the last entry. */
  get end(): number {
    return this.#base + this.#entries.length;
  }

  /** Record that `breaker` changed; returns the entry's position (the breaker keeps it, see {@link drained}). */
  append(breaker: B): number {
    if (this.#entries.length >= this.capacity) {
      const drop = Math.max(1, this.#entries.length >> 1);
      this.#entries = this.#entries.slice(drop);
      this.#base += drop;
    }
    this.#entries.push(breaker);
    return this.end - 1;
  }

  /** Forget every entry: every reader reads every breaker afresh (the registry was cleared). */
  invalidate(): void {
    this.#base = this.end + 1;
    this.#entries = [];
    this.drained = this.#base;
  }

  /**
   * The breakers changed since `position` (a reader's previous {@link ChangedBreakers.position}, or -1
   * the first time), possibly with repeats. Changes made while the caller reads them are appended
   * afresh: read again until `position` equals {@link end}.
   */
  read(position: number): ChangedBreakers<B> {
    const end = this.end;
    this.drained = end;
    if (position < this.#base) return { changed: undefined, position: end };
    return { changed: this.#entries.slice(position - this.#base), position: end };
  }
}
