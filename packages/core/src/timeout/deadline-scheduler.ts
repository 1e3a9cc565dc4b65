import type { Clock, TimerHandle } from '../clock/clock.js';
import { DeadlineHeap, type HeapItem } from '../clock/deadline-heap.js';

/**
 * Deadline scheduler: one per clock, shared by every timeout policy on that clock, so a timed call
 * costs no setTimeout/clearTimeout pair and no clock read on its success path.
 *
 * How: calls join the current *epoch* (a short interval, at most {@link RESOLUTION_MS} long);
 * each epoch holds one *slot* per timeout length, a doubly linked list of calls. When the epoch
 * closes, its slots are sealed with deadline = (upper bound of the epoch's insertion times) +
 * timeoutMs and appended to their length's FIFO queue (deadlines in a queue only grow). One
 * timer is armed for the earliest thing to do: closing the open epoch (≤ 1 ms after it
 * opened) or the earliest sealed deadline. The timer is a foreground one (it holds the process while
 * a deadline is pending: a caller awaits every one of them) and is released when nothing is pending.
 * A settled call unlinks itself in O(1); an emptied
 * sealed slot is dropped at once, so memory follows the calls in flight, not the call rate.
 *
 * Precision: a deadline never fires early. It fires at most {@link RESOLUTION_MS} late, plus any
 * time the event loop was too busy to run the timer (a call joining an epoch while the loop is
 * busy is bounded by the next clock read, taken every {@link CHECK_EVERY} calls). The first
 * {@link EXACT_FIRST} calls of an epoch read the clock, so sparse calls get exact deadlines.
 */
export const RESOLUTION_MS = 1;
/** Calls between clock reads while an epoch is open (bounds lateness under a busy loop). */
export const CHECK_EVERY = 64;
/** The first calls of an epoch read the clock, so a few concurrent calls get exact deadlines. */
export const EXACT_FIRST = 8;
/** Lengths that get a queue of their own (deadlines of other lengths go to the heap). */
export const MAX_SHARED_QUEUES = 64;
/** Tolerance for floating-point round-off when comparing deadlines with `now`. */
const EPSILON = 1e-6;

/**
 * A scheduled call. Implementers initialise the three links to undefined (and own no other use
 * of them); the scheduler calls {@link onDeadline} once if the entry is still scheduled then.
 */
export interface DeadlineEntry {
  /** @internal */ _prev: DeadlineEntry | undefined;
  /** @internal */ _next: DeadlineEntry | undefined;
  /** @internal */ _slot: Slot | undefined;
  onDeadline(): void;
}

/**
 * An entry with its own absolute deadline (any length), kept in the scheduler's binary heap:
 * O(log n) to add and to remove. Used by {@link deadline} for one-off deadlines whose lengths vary
 * (what is left of a call's overall deadline), where one queue per length would grow without bound.
 */
export interface TimedEntry extends HeapItem {
  /** @internal Absolute deadline (clock.now() based); set by {@link DeadlineScheduler.schedule}. */ dueAt: number;
  /** @internal Background work's deadline (a monitor check): does not hold the process by itself. */ _background: boolean;
  onDeadline(): void;
}

/** @internal The calls of one timeout length that joined one epoch. */
export class Slot {
  head: DeadlineEntry | undefined = undefined;
  tail: DeadlineEntry | undefined = undefined;
  live = 0;
  /** The absolute deadline, once sealed. */
  deadline = Number.NaN;
  /** Open (joining its epoch), sealed (queued for its deadline) or detached. */
  state: 'open' | 'sealed' | 'detached' = 'open';
  prev: Slot | undefined = undefined;
  next: Slot | undefined = undefined;

  constructor(readonly queue: DeadlineQueue) {}
}

/** The calls of one timeout length, in deadline order. Obtain with {@link DeadlineScheduler.queue}. */
export class DeadlineQueue {
  /** @internal */ open: Slot | undefined = undefined;
  /** @internal */ head: Slot | undefined = undefined;
  /** @internal */ tail: Slot | undefined = undefined;

  constructor(
    readonly scheduler: DeadlineScheduler,
    readonly timeoutMs: number,
  ) {}

  /** Schedule `entry` to expire `timeoutMs` from now. */
  add(entry: DeadlineEntry): void {
    this.scheduler.add(this, entry);
  }

  /** @internal */ append(slot: Slot): void {
    slot.state = 'sealed';
    slot.prev = this.tail;
    if (this.tail === undefined) this.head = slot;
    else this.tail.next = slot;
    this.tail = slot;
  }

  /** @internal */ detach(slot: Slot): void {
    if (slot.prev === undefined) this.head = slot.next;
    else slot.prev.next = slot.next;
    if (slot.next === undefined) this.tail = slot.prev;
    else slot.next.prev = slot.prev;
    slot.prev = slot.next = undefined;
    slot.state = 'detached';
  }
}

const schedulers = new WeakMap<Clock, DeadlineScheduler>();

export class DeadlineScheduler {
  /** The scheduler shared by everything timed on `clock`. */
  static for(clock: Clock): DeadlineScheduler {
    let s = schedulers.get(clock);
    if (s === undefined) {
      s = new DeadlineScheduler(clock);
      schedulers.set(clock, s);
    }
    return s;
  }

  readonly #clock: Clock;
  readonly #queues = new Map<number, DeadlineQueue>();
  #openQueues: DeadlineQueue[] = [];
  #epochOpen = false;
  #epochStartedAt = 0;
  /** Upper bound of the open epoch's insertion times, valid while #boundExact. */
  #bound = 0;
  #boundExact = false;
  /** Calls that joined the open epoch. */
  #inserts = 0;
  #timer: TimerHandle | undefined = undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  /** Whether the armed timer is a foreground one. */
  #armedForeground = false;
  #size = 0;
  readonly #heap = new DeadlineHeap<TimedEntry>();
  /** Heap entries that are foreground (everything on the queues is). */
  #heapForeground = 0;
  readonly #onTimer = (): void => this.#fire();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Calls currently scheduled (0 when nothing is in flight: leak checks use this). */
  get size(): number {
    return this.#size + this.#heap.size;
  }

  /** The clock this scheduler runs on. */
  get clock(): Clock {
    return this.#clock;
  }

  /** Schedule `entry` to expire at `at` (a `clock.now()` time), O(log n). */
  schedule(entry: TimedEntry, at: number): void {
    const heap = this.#heap;
    // moved (an idle timeout restarted): out and in again; a later time lets the armed timer fire
    // early once and re-arm, which costs less than a clear and a set per move
    if (heap.remove(entry)) {
      if (!entry._background) this.#heapForeground--;
    }
    entry.dueAt = at;
    heap.push(entry);
    if (!entry._background) this.#heapForeground++;
    if (heap.peek() === entry || (!entry._background && !this.#armedForeground)) this.#arm(heap.peek()!.dueAt, this.#clock.now());
  }

  /** Unschedule `entry` (O(log n); a no-op if it already expired or was removed). */
  unschedule(entry: TimedEntry): void {
    if (!this.#heap.remove(entry)) return;
    if (!entry._background) this.#heapForeground--;
    this.#releaseIfIdle();
  }

  #pop(): TimedEntry {
    const top = this.#heap.pop()!;
    if (!top._background) this.#heapForeground--;
    return top;
  }

  /** Whether anything pending is awaited by a caller (then the timer holds the process). */
  #foregroundPending(): boolean {
    return this.#size > 0 || this.#epochOpen || this.#heapForeground > 0;
  }

  /**
   * Nothing left to wait for: release the timer, so it holds nothing; only background deadlines
   * left: re-arm the timer as a background one (rare path: the hot path never gets here).
   */
  #releaseIfIdle(): void {
    if (this.#timer === undefined || this.#foregroundPending()) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const next = this.#heap.peek();
    if (next !== undefined) this.#arm(next.dueAt, this.#clock.now());
  }

  /** Whether the scheduler's timer is pending. */
  get timerPending(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * The queue of a length many deadlines share (an integer ms), or undefined once
   * {@link MAX_SHARED_QUEUES} lengths have queues: one-off lengths go to the heap instead, so the
   * queues stay bounded.
   */
  sharedQueue(timeoutMs: number): DeadlineQueue | undefined {
    const q = this.#queues.get(timeoutMs);
    if (q !== undefined) return q;
    if (!Number.isInteger(timeoutMs) || this.#queues.size >= MAX_SHARED_QUEUES) return undefined;
    return this.queue(timeoutMs);
  }

  /** The queue for one timeout length (policies look it up once, at construction). */
  queue(timeoutMs: number): DeadlineQueue {
    let q = this.#queues.get(timeoutMs);
    if (q === undefined) {
      q = new DeadlineQueue(this, timeoutMs);
      this.#queues.set(timeoutMs, q);
    }
    return q;
  }

  /** @internal Hot path: no clock read except when opening an epoch or every CHECK_EVERY calls. */
  add(queue: DeadlineQueue, entry: DeadlineEntry): void {
    if (!this.#epochOpen) this.#openEpoch(this.#clock.now());
    else if (++this.#inserts < EXACT_FIRST || this.#inserts % CHECK_EVERY === 0) this.#check();
    else this.#boundExact = false;
    let slot = queue.open;
    if (slot === undefined) {
      slot = queue.open = new Slot(queue);
      this.#openQueues.push(queue);
    }
    entry._slot = slot;
    entry._prev = slot.tail;
    if (slot.tail === undefined) slot.head = entry;
    else slot.tail._next = entry;
    slot.tail = entry;
    slot.live++;
    this.#size++;
  }

  /** Unschedule `entry` (O(1); a no-op if it already expired or was removed). */
  remove(entry: DeadlineEntry): void {
    const slot = entry._slot;
    if (slot === undefined) return;
    entry._slot = undefined;
    const { _prev: prev, _next: next } = entry;
    if (prev === undefined) slot.head = next;
    else prev._next = next;
    if (next === undefined) slot.tail = prev;
    else next._prev = prev;
    entry._prev = entry._next = undefined;
    this.#size--;
    // a sealed slot that empties is dropped at once; an open one is reused by its epoch
    if (--slot.live === 0 && slot.state === 'sealed') {
      slot.queue.detach(slot);
      this.#releaseIfIdle();
    }
  }

  #openEpoch(now: number): void {
    this.#epochOpen = true;
    this.#epochStartedAt = this.#bound = now;
    this.#boundExact = true;
    this.#inserts = 0;
    this.#arm(now + RESOLUTION_MS, now);
  }

  #check(): void {
    const now = this.#clock.now();
    if (now - this.#epochStartedAt >= RESOLUTION_MS) {
      this.#closeEpoch(now);
      this.#openEpoch(now);
    } else {
      // every earlier insertion happened before this read, and this one happens at it
      this.#bound = now;
      this.#boundExact = true;
    }
  }

  #closeEpoch(now: number): void {
    const closedAt = this.#boundExact ? this.#bound : now;
    for (const q of this.#openQueues) {
      const slot = q.open!;
      q.open = undefined;
      if (slot.live === 0) {
        slot.state = 'detached';
        continue;
      }
      slot.deadline = closedAt + q.timeoutMs;
      q.append(slot);
    }
    this.#openQueues = [];
    this.#epochOpen = false;
  }

  #arm(at: number, now: number): void {
    const foreground = this.#foregroundPending();
    if (this.#timer !== undefined) {
      if (this.#armedAt <= at && (this.#armedForeground || !foreground)) return;
      this.#clock.clearTimeout(this.#timer);
      if (this.#armedAt < at) at = this.#armedAt;
    }
    this.#armedAt = at;
    this.#armedForeground = foreground;
    const delay = Math.max(0, at - now);
    this.#timer = foreground ? this.#clock.setTimeout(this.#onTimer, delay) : this.#clock.setBackgroundTimeout(this.#onTimer, delay);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    if (this.#epochOpen) this.#closeEpoch(now);
    const due: Array<DeadlineEntry | TimedEntry> = [];
    for (let top = this.#heap.peek(); top !== undefined && top.dueAt <= now + EPSILON; top = this.#heap.peek()) due.push(this.#pop());
    for (const q of this.#queues.values()) {
      while (q.head !== undefined && q.head.deadline <= now + EPSILON) {
        const slot = q.head;
        q.detach(slot);
        for (let e = slot.head; e !== undefined; ) {
          const next = e._next;
          e._slot = e._prev = e._next = undefined;
          this.#size--;
          due.push(e);
          e = next;
        }
        slot.head = slot.tail = undefined;
        slot.live = 0;
      }
    }
    for (const e of due) {
      try {
        e.onDeadline();
      } catch {
        // an entry's failure must not stop the others from expiring
      }
    }
    this.#rearm(this.#clock.now());
  }

  #rearm(now: number): void {
    let next = this.#epochOpen ? this.#epochStartedAt + RESOLUTION_MS : Number.POSITIVE_INFINITY;
    const top = this.#heap.peek();
    if (top !== undefined && top.dueAt < next) next = top.dueAt;
    for (const q of this.#queues.values()) if (q.head !== undefined && q.head.deadline < next) next = q.head.deadline;
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next, now);
  }
}
