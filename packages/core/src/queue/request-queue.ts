import { randomUUID } from 'node:crypto';
import { classifyError } from '../classify/classify-error.js';
import { EventEmitter } from '../events/event.js';
import { withoutStack } from '../errors/rampart-error.js';
import type { CallIdentity } from '../fallback/chain-types.js';
import type { ResourceType } from '../resource/resource-types.js';
import { HeldRequests, type QueueStats } from './held-requests.js';
import type { TimerHandle } from '../clock/clock.js';
import { runReplay } from './current-replay.js';
import { DEFAULT_QUEUE_LEASE_MS, type QueueLease } from './queue-lease.js';
import { QueuePersistence } from './queue-persistence.js';
import { QueuedRequestFailedError } from './queued-request-failed-error.js';
import { errorInfo, targetKey, type EnqueueRequest, type Entry, type QueueWarning, type ReplayTarget } from './queue-entry.js';
import { QueueTimers } from './queue-timers.js';
import type { RequestQueueOptions } from './request-queue-options.js';
import { QueueStoppedError } from './queue-stopped-error.js';
import { QueueTimeoutError } from './queue-timeout-error.js';
import type { QueuedRequest, QueuedRequestStatus, StoredQueuedRequest } from './queued-request.js';
import { SettledResults } from './settled-results.js';
import { UNWRITTEN_RETRY_MS } from './unwritten-writes.js';

/** Requests timed out per timer turn; the rest go on the next turn, so the event loop is never held long. */
export const EXPIRY_CHUNK = 256;

export type { RequestQueueOptions } from './request-queue-options.js';

/** Replays a drain without leases runs at once (a hung replay holds only its own slot). */
const LOCAL_REPLAY_CONCURRENCY = 16;

/**
 * QUEUE_REQUEST's queues: one bounded priority queue per resource type. Parked calls are replayed
 * by {@link drain} (the manager calls it when a resource's monitors report healthy), or every
 * `retryIntervalMs` for resources the owner polls (without monitors, or with providers) once
 * `replayDue` says the resource can serve again; after `maxWaitMs` they fail with
 * QueueTimeoutError. With a store, calls of decorated methods whose arguments are plain JSON are
 * persisted and replayed after a restart once their method is attached again ({@link attachTarget}).
 * Two timers at most (earliest deadline, retry interval), both released by {@link stop}.
 *
 * Costs: enqueue, settle and time-out are O(log n) in the requests held (a deadline heap on
 * monotonic time, FIFO lists per priority); a batch reaching its deadline times out
 * {@link EXPIRY_CHUNK} requests per timer turn. Settled outcomes are kept in a bounded
 * {@link SettledResults} (count and time), not for ever.
 *
 * Replicas: when the store has leases (`claim`/`release`; RedisStateStore across processes), a
 * stored request is replayed only under this queue's lease on it (`leaseMs`, renewed while the
 * replay runs), after re-reading it: one replica at a time replays it, and one that finds it
 * settled by another answers its caller with the stored outcome. With a store shared by other
 * processes (`store.shared`), every `leaseMs` the queue also
 * re-reads the team's stored requests, so it takes over those of a replica that died and learns
 * outcomes written by others. An outcome that cannot be written is retried until it is.
 */
export class RequestQueue {
  readonly #o: RequestQueueOptions;
  readonly #held: HeldRequests;
  readonly #settled: SettledResults;
  readonly #targets = new Map<string, ReplayTarget>();
  /** Per replay target (`Class.method`), the resources holding restored requests that wait for it. */
  readonly #waitingForTarget = new Map<string, Set<ResourceType>>();
  readonly #draining = new Map<ResourceType, Promise<void>>();
  readonly #persistence: QueuePersistence | undefined;
  readonly #settledEvents = new EventEmitter<QueuedRequest>();
  readonly #queuedEvents = new EventEmitter<QueuedRequest>();
  readonly #warnings = new EventEmitter<QueueWarning>();
  readonly #timers: QueueTimers;
  #stopped = false;
  /** This queue's owner id in leases. */
  readonly #owner = randomUUID();
  readonly #leaseMs: number;
  #rescanTimer: TimerHandle | undefined;
  /** Whether the store failed at the last lease claim (one warning per outage). */
  #storeDown = false;
  /** Whether an outcome write failed since the last one that succeeded (one warning per outage). */
  #outcomesFailing = false;
  /** Whether persisting a new request failed since the last one that succeeded (one warning per outage). */
  #persistFailing = false;

  /** Fires when a request has been queued (and persisted, when it is). */
  readonly onQueued = this.#queuedEvents.event;
  /** Fires when a queued request succeeds, fails, times out or is cancelled. */
  readonly onSettled = this.#settledEvents.event;
  readonly onWarning = this.#warnings.event;

  constructor(options: RequestQueueOptions) {
    this.#o = options;
    this.#held = new HeldRequests(options.maxQueueSize);
    this.#leaseMs = options.leaseMs ?? options.store?.leaseMs ?? DEFAULT_QUEUE_LEASE_MS;
    const persistence = (this.#persistence = options.store ? new QueuePersistence(options.store, options.team, options.clock, options.maxUnwrittenOutcomes) : undefined);
    this.#settled = new SettledResults({
      retentionMs: options.resultRetentionMs,
      max: options.maxRetainedResults,
      clock: options.clock,
      onEvicted: (r) => {
        if (r.persisted) persistence?.delete(r.id).catch(() => undefined);
      },
    });
    this.#timers = new QueueTimers(
      options.clock,
      () => this.#expire(),
      () => this.#retryPolled(),
    );
  }

  get(id: string): QueuedRequest | undefined {
    return this.#held.get(id)?.record ?? this.#settled.get(id);
  }

  /** @internal Key comparisons made by the deadline heap so far (tests bound the cost per request with it). */
  get deadlineComparisons(): number {
    return this.#held.deadlineComparisons;
  }

  /** Per resource type with a queue: size, capacity, and age of the oldest request (ms). */
  stats(): Record<string, QueueStats> {
    this.#settled.sweep();
    return this.#held.stats(this.#o.clock.wallNow());
  }

  size(resource: ResourceType): number {
    return this.#held.size(resource);
  }

  /** Park a call; settles with its replay's result. Throws QueueFullError at capacity. */
  async enqueue(req: EnqueueRequest): Promise<unknown> {
    if (this.#stopped) throw new QueueStoppedError('(not queued)', false);
    this.#settled.sweep();
    const now = this.#o.clock.wallNow();
    const mono = this.#o.clock.now();
    const dueAt = Math.min(mono + this.#o.maxWaitMs, req.deadlineAt ?? Number.POSITIVE_INFINITY);
    let settle!: Entry['settle'];
    const promise = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
    const entry: Entry = {
      record: {
        id: randomUUID(),
        team: this.#o.team,
        resource: req.resource,
        className: req.identity?.className,
        method: req.identity?.method,
        status: 'queued',
        priority: req.priority,
        enqueuedAt: now,
        deadline: now + (dueAt - mono),
        replays: 0,
        persisted: false,
      },
      dueAt,
      heapIndex: -1,
      argsJson: req.argsJson,
      replay: req.replay,
      settle,
    };
    this.#held.add(entry);
    if (req.signal) {
      const onAbort = () => this.#settle(entry, 'cancelled', undefined, req.signal!.reason);
      req.signal.addEventListener('abort', onAbort, { once: true });
      entry.detach = () => req.signal!.removeEventListener('abort', onAbort);
    }
    await this.#persistNew(entry, req);
    this.#arm();
    if (entry.record.status === 'queued') this.#queuedEvents.fire(entry.record);
    return promise;
  }

  /** A decorated method exists again: replay the persisted requests that were made through it. */
  attachTarget(identity: CallIdentity, target: ReplayTarget): void {
    const key = targetKey(identity);
    this.#targets.set(key, target);
    const resources = this.#waitingForTarget.get(key);
    this.#waitingForTarget.delete(key);
    for (const r of resources ?? []) void this.drain(r);
  }

  hasTarget(identity: CallIdentity): boolean {
    return this.#targets.has(targetKey(identity));
  }

  /** Replay a resource's queued requests in priority order, stopping at the first that still fails. */
  drain(resource: ResourceType): Promise<void> {
    const running = this.#draining.get(resource);
    if (running) return running;
    const p = this.#drain(resource).finally(() => this.#draining.delete(resource));
    this.#draining.set(resource, p);
    return p;
  }

  /** Load persisted requests: queued ones wait for their method; finished ones answer get(id). */
  async restore(): Promise<void> {
    this.#stopped = false;
    if (!this.#persistence) return;
    this.#persistence.unwritten.start();
    const { records, invalid } = await this.#persistence.load();
    for (const key of invalid) this.#warnings.fire({ message: `ignoring an invalid queued request record (${key})` });
    this.#absorb(records);
    this.#armRescan();
  }

  /** Hold the stored requests not held yet; settle held ones another replica settled; replay. */
  #absorb(records: StoredQueuedRequest[]): void {
    // wall time is what was persisted; deadlines in this process run on monotonic time
    const wallNow = this.#o.clock.wallNow();
    const now = this.#o.clock.now();
    // oldest first: results then leave the retention in cache order, requests keep FIFO order
    records.sort((a, b) => (a.settledAt ?? a.enqueuedAt) - (b.settledAt ?? b.enqueuedAt));
    for (const r of records) {
      const held = this.#held.get(r.id);
      if (held && r.status !== 'queued') this.#adopt(held, r);
      if (this.#held.has(r.id) || this.#settled.has(r.id)) continue;
      const { argsJson, version: _v, ...record } = r;
      if (r.status !== 'queued') {
        this.#settled.set(Object.freeze(record), (r.settledAt ?? 0) + this.#o.resultRetentionMs - wallNow);
        continue;
      }
      const entry: Entry = { record: { ...record, persisted: true }, dueAt: now + (r.deadline - wallNow), heapIndex: -1, argsJson, replay: undefined };
      try {
        this.#held.add(entry);
      } catch (err) {
        this.#warnings.fire({ message: 'a restored queued request does not fit in its queue; it stays stored', requestId: r.id, error: err });
        continue;
      }
      if (r.className !== undefined && !this.#targets.has(targetKey(r as CallIdentity))) {
        const key = targetKey(r as CallIdentity);
        const waiting = this.#waitingForTarget.get(key) ?? new Set<ResourceType>();
        this.#waitingForTarget.set(key, waiting.add(r.resource));
      }
    }
    this.#expire();
    for (const r of new Set(records.filter((r) => r.status === 'queued').map((r) => r.resource))) void this.drain(r);
  }

  /** Every `leaseMs` while the store is shared with other processes: re-read the team's stored requests (background timer). */
  #armRescan(): void {
    if (this.#stopped || this.#rescanTimer || !this.#persistence?.shared) return;
    this.#rescanTimer = this.#o.clock.setBackgroundTimeout(() => {
      this.#rescanTimer = undefined;
      if (this.#stopped) return;
      this.#persistence!.load().then(
        ({ records }) => {
          if (!this.#stopped) this.#absorb(records);
        },
        () => undefined, // the store is unreachable: held requests carry on locally; try again next time
      ).finally(() => this.#armRescan());
    }, this.#leaseMs);
  }

  /** Settle a held request as another replica settled it (its outcome is already stored). */
  #adopt(entry: Entry, stored: StoredQueuedRequest): void {
    if (entry.record.status !== 'queued' || stored.status === 'queued') return;
    const error = stored.status === 'succeeded' ? undefined : new QueuedRequestFailedError(stored.id, stored.status, stored.error);
    entry.record = { ...entry.record, replays: stored.replays };
    this.#settle(entry, stored.status, stored.result, error, true, false);
  }

  /**
   * Before replaying a stored request: take its lease and re-read it. `'skip'` when another replica
   * holds it, when it was settled meanwhile (then it is settled here too), or when the store is
   * unreachable and nobody here awaits it; `'local'` when the store is unreachable and a caller here
   * awaits it (it is replayed without a lease: at-least-once); else the lease.
   */
  async #claim(entry: Entry): Promise<QueueLease | 'skip' | 'local'> {
    const persistence = this.#persistence!;
    const id = entry.record.id;
    let lease: QueueLease | undefined;
    try {
      if (!persistence.reachable) throw new Error('the store is unreachable');
      lease = await persistence.lease(id, this.#owner, {
        clock: this.#o.clock,
        leaseMs: this.#leaseMs,
        onLost: () => this.#warnings.fire({ message: 'lost the lease on a queued request while replaying it (another replica may replay it too)', requestId: id }),
      });
      this.#storeDown = false;
    } catch (err) {
      if (!this.#storeDown) this.#warnings.fire({ message: 'the store is unreachable: queued requests awaited here are replayed here without a lease, the others wait for the store', requestId: id, error: err });
      this.#storeDown = true;
      return entry.settle ? 'local' : 'skip';
    }
    if (!lease) return 'skip';
    try {
      const stored = await persistence.read(id);
      if (stored && stored.status !== 'queued') {
        this.#adopt(entry, stored);
        await lease.release();
        return 'skip';
      }
      if (stored && stored.replays > entry.record.replays) entry.record = { ...entry.record, replays: stored.replays };
    } catch {
      // could not re-read it: replay under the lease (at-least-once)
    }
    return lease;
  }

  #pursueLease(entry: Entry): QueueLease {
    const id = entry.record.id;
    return this.#persistence!.pursueLease(id, this.#owner, {
      clock: this.#o.clock,
      leaseMs: this.#leaseMs,
      retryMs: Math.min(UNWRITTEN_RETRY_MS, Math.max(1, Math.floor(this.#leaseMs / 3))),
      onLost: () => this.#warnings.fire({ message: 'another replica took the lease on a queued request replayed here while the store was unreachable (it may be replayed twice)', requestId: id }),
    });
  }

  /** Release timers; callers still waiting get QueueStoppedError (persisted requests stay stored). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.clear();
    if (this.#rescanTimer) this.#o.clock.clearTimeout(this.#rescanTimer);
    this.#rescanTimer = undefined;
    await Promise.allSettled([...this.#draining.values()]);
    for (const e of this.#held.all()) {
      e.detach?.();
      if (e.record.persisted) e.settle?.reject(new QueueStoppedError(e.record.id, true));
      else this.#settle(e, 'failed', undefined, new QueueStoppedError(e.record.id, false));
    }
    this.#held.clear();
    this.#waitingForTarget.clear();
    await this.#persistence?.flush();
    const unwritten = this.#persistence?.unwritten;
    if (unwritten) {
      unwritten.stop();
      const left = unwritten.size > 0 ? await unwritten.retry() : 0;
      if (left > 0) this.#warnings.fire({ message: `${left} queued request outcome(s) could not be written before stop: a restart may replay those requests` });
    }
  }

  /**
   * Replay the resource's queued requests in priority order until one finds the resource still
   * failing (the rest wait for the next drain). Without leases (no shared store), up to
   * {@link LOCAL_REPLAY_CONCURRENCY} replays run at once, so a slow or hung replay does not hold the
   * ones behind it; under leases one at a time, so a replica that dies has at most one request in
   * flight to be repeated.
   */
  async #drain(resource: ResourceType): Promise<void> {
    if (this.#persistence?.leased) {
      for (const entry of this.#held.inOrder(resource)) {
        const replay = this.#replayable(entry);
        if (replay !== undefined && !(await this.#replayEntry(entry, replay))) break;
      }
      return;
    }
    const pending = this.#held.inOrder(resource)[Symbol.iterator]();
    const still = { failing: false };
    const worker = async () => {
      for (let next = pending.next(); !next.done && !still.failing; next = pending.next()) {
        const replay = this.#replayable(next.value); // decided synchronously: a drain with nothing due ends at once
        if (replay !== undefined && !(await this.#replayEntry(next.value, replay))) still.failing = true;
      }
    };
    await Promise.all(Array.from({ length: LOCAL_REPLAY_CONCURRENCY }, worker));
  }

  /** How to replay a held entry now, or undefined when it is not due. */
  #replayable(entry: Entry): ((n: number) => Promise<unknown>) | undefined {
    if (this.#stopped || entry.record.status !== 'queued') return undefined;
    const target = entry.record.className !== undefined ? this.#targets.get(targetKey(entry.record as CallIdentity)) : undefined;
    const replay = entry.replay ?? (target && entry.argsJson !== undefined ? (n: number) => target(JSON.parse(entry.argsJson!) as unknown[], n) : undefined);
    if (!replay) return undefined; // a restored request whose method has not been attached yet
    // a request whose caller is in another process waits until that process could write the outcomes it kept
    if (!entry.settle && this.#persistence?.leased && !this.#persistence.settledAfterOutage) return undefined;
    return replay;
  }

  /** Replay a due entry (under its lease when shared); false when the resource still fails. */
  async #replayEntry(entry: Entry, replay: (n: number) => Promise<unknown>): Promise<boolean> {
    const stored = (entry.record.persisted || entry.mayBeStored === true) && this.#persistence?.leased === true;
    const claimed = stored ? await this.#claim(entry) : 'local';
    if (claimed === 'skip' || this.#stopped || entry.record.status !== 'queued') return true;
    // replayed here without a lease while the store is unreachable: take the lease as soon as it is back,
    // before another replica (which waits OUTAGE_GRACE_MS after it returns) could read the record and replay it too
    const lease = claimed !== 'local' ? claimed : stored ? this.#pursueLease(entry) : undefined;
    try {
      return await this.#replay(entry, replay); // false: the resource is still failing
    } finally {
      // given up once the outcome is stored (or kept for retry), so nobody replays it meanwhile
      if (lease) void Promise.resolve(entry.written).finally(() => lease.release());
    }
  }

  /** Replay once; false when the resource still fails (the request stays queued). */
  async #replay(entry: Entry, replay: (n: number) => Promise<unknown>): Promise<boolean> {
    const n = entry.record.replays + 1;
    const id = entry.record.id;
    entry.record = { ...entry.record, replays: n };
    try {
      const result = await runReplay({ requestId: id, idempotencyKey: `${this.#o.team}/${id}`, replay: n }, () => replay(n));
      this.#settle(entry, 'succeeded', result, undefined);
    } catch (err) {
      if (entry.record.status !== 'queued') return true; // timed out or cancelled meanwhile
      const c = classifyError(err);
      if (c.kind === 'permanent' && c.scope !== 'provider' && c.scope !== 'operation') {
        this.#settle(entry, 'failed', undefined, err);
        return true;
      }
      entry.lastError = err;
      entry.record = { ...entry.record, error: errorInfo(err, this.#o.redact) };
      return false;
    }
    return true;
  }

  async #persistNew(entry: Entry, req: EnqueueRequest): Promise<void> {
    if (!this.#persistence) return;
    const id = entry.record.id;
    if (!req.identity) return; // not a decorated method: nothing to replay it through after a restart
    if (req.argsJson === undefined) {
      this.#warnings.fire({ message: `queued request kept in memory only: ${req.argsNotSerialisable ?? 'arguments do not serialise'}`, requestId: id });
      return;
    }
    let sent = false;
    try {
      if (!this.#persistence.reachable) throw new Error('the store is unreachable');
      entry.record = { ...entry.record, persisted: true };
      sent = true;
      await this.#persistence.save(entry.record, req.argsJson);
      this.#persistFailing = false;
    } catch (err) {
      entry.record = { ...entry.record, persisted: false };
      entry.mayBeStored = sent;
      if (!this.#persistFailing) this.#warnings.fire({ message: 'could not persist a queued request; it is kept in memory only (further failures are not reported until a write succeeds)', requestId: id, error: err });
      this.#persistFailing = true;
    }
  }

  /** `arm`: false while timing out a batch (the batch re-arms once at its end). `write`: false for an outcome read from the store. */
  #settle(entry: Entry, status: QueuedRequestStatus, result: unknown, error: unknown, arm = true, write = true): void {
    if (entry.record.status !== 'queued') return;
    entry.detach?.();
    this.#held.remove(entry);
    // a request whose first write may have landed after all gets its outcome written too (then it is persisted)
    const writeOutcome = write && (entry.record.persisted || entry.mayBeStored === true) && entry.argsJson !== undefined && this.#persistence !== undefined;
    const record: QueuedRequest = Object.freeze({
      ...entry.record,
      persisted: entry.record.persisted || writeOutcome,
      status,
      settledAt: this.#o.clock.wallNow(),
      result: status === 'succeeded' ? result : undefined,
      // a time-out's message is ours (resource, id, ms): nothing to redact
      error: status === 'succeeded' ? undefined : error instanceof QueueTimeoutError ? { name: error.name, message: error.message } : errorInfo(error, this.#o.redact),
    });
    entry.record = record;
    this.#settled.set(record);
    if (writeOutcome) entry.written = this.#writeOutcome(this.#persistence!, record, entry.argsJson!);
    this.#settledEvents.fire(record);
    if (status === 'succeeded') entry.settle?.resolve(result);
    else entry.settle?.reject(error);
    if (arm) this.#arm();
  }

  /** Write an outcome; one warning per run of failures, and one for each outcome the retry buffer cannot keep. */
  async #writeOutcome(persistence: QueuePersistence, record: QueuedRequest, argsJson: string): Promise<void> {
    const written = await persistence.saveOutcome(record, argsJson);
    if (written === 'written') {
      this.#outcomesFailing = false;
      return;
    }
    if (written === 'dropped') {
      this.#warnings.fire({ message: `could not record a queued request outcome, and ${persistence.unwritten.size} others wait to be written: this one is not retried, a restart may replay it`, requestId: record.id });
    } else if (!this.#outcomesFailing) {
      this.#warnings.fire({ message: 'could not record a queued request outcome; it is kept and retried until written (further failures are not reported until a write succeeds)', requestId: record.id });
    }
    this.#outcomesFailing = true;
  }

  /**
   * Time out the requests whose deadline has come, earliest first, {@link EXPIRY_CHUNK} at most; the
   * timers take it from there. The errors carry no stack trace: it would only show this timer
   * callback, and capturing one costs microseconds per request in a batch of thousands.
   */
  #expire(): void {
    const now = this.#o.clock.now();
    for (let n = 0, e = this.#held.earliest; e !== undefined && e.dueAt <= now && n < EXPIRY_CHUNK; n++, e = this.#held.earliest) {
      const { resource, id, enqueuedAt, deadline } = e.record;
      const cause = e.lastError;
      // the wait it had: maxWaitMs, or less when the caller's deadline came first
      this.#settle(e, 'failed', undefined, withoutStack(() => new QueueTimeoutError(resource, id, deadline - enqueuedAt, { cause })), false);
    }
    this.#arm(); // if more are due, the deadline timer fires on the next turn of the event loop
  }

  /** (Re)arm the timers for the earliest deadline and, if a queued resource is polled, the retry interval. O(resource types). */
  #arm(): void {
    if (this.#stopped) return;
    let needsRetry = false;
    for (const r of this.#held.resources()) needsRetry ||= this.#o.pollOnTimer(r);
    const earliest = this.#held.earliest?.dueAt ?? Number.POSITIVE_INFINITY;
    this.#timers.arm(earliest, needsRetry ? this.#o.retryIntervalMs : undefined, this.#held.awaited);
  }

  #retryPolled(): void {
    const drains = [...this.#held.resources()].filter((r) => this.#o.pollOnTimer(r) && this.#o.replayDue(r)).map((r) => this.drain(r));
    void Promise.allSettled(drains).then(() => this.#arm());
  }
}
