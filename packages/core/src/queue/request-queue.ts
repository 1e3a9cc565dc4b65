import { randomUUID } from 'node:crypto';
import { classifyError } from '../classify/classify-error.js';
import { EventEmitter } from '../events/event.js';
import { withoutStack } from '../errors/rampart-error.js';
import type { CallIdentity } from '../fallback/chain-types.js';
import type { ResourceType } from '../resource/resource-types.js';
import { HeldRequests, type QueueStats } from './held-requests.js';
import { QueuePersistence } from './queue-persistence.js';
import { errorInfo, targetKey, type EnqueueRequest, type Entry, type QueueWarning, type ReplayTarget } from './queue-entry.js';
import { QueueTimers } from './queue-timers.js';
import type { RequestQueueOptions } from './request-queue-options.js';
import { QueueStoppedError } from './queue-stopped-error.js';
import { QueueTimeoutError } from './queue-timeout-error.js';
import type { QueuedRequest, QueuedRequestStatus } from './queued-request.js';
import { SettledResults } from './settled-results.js';

/** Requests timed out per timer turn; the rest go on the next turn, so the event loop is never held long. */
export const EXPIRY_CHUNK = 256;

export type { RequestQueueOptions } from './request-queue-options.js';

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

  /** Fires when a request has been queued (and persisted, when it is). */
  readonly onQueued = this.#queuedEvents.event;
  /** Fires when a queued request succeeds, fails, times out or is cancelled. */
  readonly onSettled = this.#settledEvents.event;
  readonly onWarning = this.#warnings.event;

  constructor(options: RequestQueueOptions) {
    this.#o = options;
    this.#held = new HeldRequests(options.maxQueueSize);
    const persistence = (this.#persistence = options.store ? new QueuePersistence(options.store, options.team) : undefined);
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
    const { records, invalid } = await this.#persistence.load();
    for (const key of invalid) this.#warnings.fire({ message: `ignoring an invalid queued request record (${key})` });
    // wall time is what was persisted; deadlines in this process run on monotonic time
    const wallNow = this.#o.clock.wallNow();
    const now = this.#o.clock.now();
    // oldest first: results then leave the retention in cache order, requests keep FIFO order
    records.sort((a, b) => (a.settledAt ?? a.enqueuedAt) - (b.settledAt ?? b.enqueuedAt));
    for (const r of records) {
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
    for (const r of new Set(records.map((r) => r.resource))) void this.drain(r);
  }

  /** Release timers; callers still waiting get QueueStoppedError (persisted requests stay stored). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.clear();
    await Promise.allSettled([...this.#draining.values()]);
    for (const e of this.#held.all()) {
      e.detach?.();
      if (e.record.persisted) e.settle?.reject(new QueueStoppedError(e.record.id, true));
      else this.#settle(e, 'failed', undefined, new QueueStoppedError(e.record.id, false));
    }
    this.#held.clear();
    this.#waitingForTarget.clear();
    await this.#persistence?.flush();
  }

  async #drain(resource: ResourceType): Promise<void> {
    for (const entry of this.#held.inOrder(resource)) {
      if (this.#stopped || entry.record.status !== 'queued') continue;
      const target = entry.record.className !== undefined ? this.#targets.get(targetKey(entry.record as CallIdentity)) : undefined;
      const replay = entry.replay ?? (target && entry.argsJson !== undefined ? (n: number) => target(JSON.parse(entry.argsJson!) as unknown[], n) : undefined);
      if (!replay) continue; // a restored request whose method has not been attached yet
      const n = entry.record.replays + 1;
      entry.record = { ...entry.record, replays: n };
      try {
        const result = await replay(n);
        this.#settle(entry, 'succeeded', result, undefined);
      } catch (err) {
        if (entry.record.status !== 'queued') continue; // timed out or cancelled meanwhile
        const c = classifyError(err);
        if (c.kind === 'permanent' && c.scope !== 'provider' && c.scope !== 'operation') {
          this.#settle(entry, 'failed', undefined, err);
          continue;
        }
        entry.lastError = err;
        entry.record = { ...entry.record, error: errorInfo(err, this.#o.redact) };
        break; // the resource is still failing: keep the rest for the next drain
      }
    }
  }

  async #persistNew(entry: Entry, req: EnqueueRequest): Promise<void> {
    if (!this.#persistence) return;
    const id = entry.record.id;
    if (!req.identity) return; // not a decorated method: nothing to replay it through after a restart
    if (req.argsJson === undefined) {
      this.#warnings.fire({ message: `queued request kept in memory only: ${req.argsNotSerialisable ?? 'arguments do not serialise'}`, requestId: id });
      return;
    }
    try {
      entry.record = { ...entry.record, persisted: true };
      await this.#persistence.save(entry.record, req.argsJson);
    } catch (err) {
      entry.record = { ...entry.record, persisted: false };
      this.#warnings.fire({ message: 'could not persist a queued request; it is kept in memory only', requestId: id, error: err });
    }
  }

  /** `arm`: false while timing out a batch (the batch re-arms once at its end). */
  #settle(entry: Entry, status: QueuedRequestStatus, result: unknown, error: unknown, arm = true): void {
    if (entry.record.status !== 'queued') return;
    entry.detach?.();
    this.#held.remove(entry);
    const record: QueuedRequest = Object.freeze({
      ...entry.record,
      status,
      settledAt: this.#o.clock.wallNow(),
      result: status === 'succeeded' ? result : undefined,
      // a time-out's message is ours (resource, id, ms): nothing to redact
      error: status === 'succeeded' ? undefined : error instanceof QueueTimeoutError ? { name: error.name, message: error.message } : errorInfo(error, this.#o.redact),
    });
    entry.record = record;
    this.#settled.set(record);
    if (record.persisted && entry.argsJson !== undefined && this.#persistence) {
      this.#persistence.save(record, entry.argsJson).catch((err: unknown) => {
        this.#warnings.fire({ message: 'could not record a queued request outcome', requestId: record.id, error: err });
      });
    }
    this.#settledEvents.fire(record);
    if (status === 'succeeded') entry.settle?.resolve(result);
    else entry.settle?.reject(error);
    if (arm) this.#arm();
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
