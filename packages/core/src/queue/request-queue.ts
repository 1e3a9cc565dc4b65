import { randomUUID } from 'node:crypto';
import { classifyError } from '../classify/classify-error.js';
import type { Clock } from '../clock/clock.js';
import { EventEmitter } from '../events/event.js';
import type { CallIdentity } from '../fallback/chain-types.js';
import type { ResourceType } from '../resource/resource-types.js';
import type { StateStore } from '../store/state-store.js';
import { BoundedPriorityQueue } from './bounded-priority-queue.js';
import { QueuePersistence } from './queue-persistence.js';
import { errorInfo, targetKey, type EnqueueRequest, type Entry, type QueueWarning, type ReplayTarget } from './queue-entry.js';
import { QueueTimers } from './queue-timers.js';
import { QueueStoppedError } from './queue-stopped-error.js';
import { QueueTimeoutError } from './queue-timeout-error.js';
import type { QueuedRequest, QueuedRequestStatus } from './queued-request.js';

/** Options of {@link RequestQueue}. */
export interface RequestQueueOptions {
  readonly team: string;
  readonly maxQueueSize: number;
  readonly maxWaitMs: number;
  readonly retryIntervalMs: number;
  readonly resultRetentionMs: number;
  readonly clock: Clock;
  readonly store: StateStore | undefined;
  /**
   * Whether a resource's queue is replayed on the `retryIntervalMs` timer. The owner says no for a
   * resource whose monitors report its recovery (it calls drain() then), and yes for one without
   * monitors or with providers (a provider's cooldown or open breaker ends without any event).
   */
  readonly pollOnTimer: (resource: ResourceType) => boolean;
  /** At a timer tick, whether replaying is worth it now (e.g. some provider is available again). */
  readonly replayDue: (resource: ResourceType) => boolean;
  readonly redact: (text: string) => string;
}

/**
 * QUEUE_REQUEST's queues: one bounded priority queue per resource type. Parked calls are replayed
 * by {@link drain} (the manager calls it when a resource's monitors report healthy), or every
 * `retryIntervalMs` for resources the owner polls (without monitors, or with providers) once
 * `replayDue` says the resource can serve again; after `maxWaitMs` they fail with
 * QueueTimeoutError. With a store, calls of decorated methods whose arguments are plain JSON are
 * persisted and replayed after a restart once their method is attached again ({@link attachTarget}).
 * Two timers at most (earliest deadline, retry interval), both released by {@link stop}.
 */
export class RequestQueue {
  readonly #o: RequestQueueOptions;
  readonly #queues = new Map<ResourceType, BoundedPriorityQueue<Entry>>();
  readonly #entries = new Map<string, Entry>();
  readonly #settled = new Map<string, QueuedRequest>();
  readonly #targets = new Map<string, ReplayTarget>();
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
    this.#persistence = options.store ? new QueuePersistence(options.store, options.team) : undefined;
    this.#timers = new QueueTimers(
      options.clock,
      () => {
        this.#expire();
        this.#arm();
      },
      () => this.#retryPolled(),
    );
  }

  get(id: string): QueuedRequest | undefined {
    this.#purgeSettled();
    return this.#entries.get(id)?.record ?? this.#settled.get(id);
  }

  /** Per resource type with a queue: size, capacity, and age of the oldest request (ms). */
  stats(): Record<string, { size: number; max_size: number; oldest_age_ms: number }> {
    const out: Record<string, { size: number; max_size: number; oldest_age_ms: number }> = {};
    const now = this.#o.clock.wallNow();
    for (const [resource, q] of this.#queues) {
      let oldest = now;
      for (const e of q.values()) oldest = Math.min(oldest, e.record.enqueuedAt);
      out[resource] = { size: q.size, max_size: q.maxSize, oldest_age_ms: now - oldest };
    }
    return out;
  }

  size(resource: ResourceType): number {
    return this.#queues.get(resource)?.size ?? 0;
  }

  /** Park a call; settles with its replay's result. Throws QueueFullError at capacity. */
  async enqueue(req: EnqueueRequest): Promise<unknown> {
    if (this.#stopped) throw new QueueStoppedError('(not queued)', false);
    const now = this.#o.clock.wallNow();
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
        deadline: now + this.#o.maxWaitMs,
        replays: 0,
        persisted: false,
      },
      argsJson: req.argsJson,
      replay: req.replay,
      settle,
    };
    this.#queueOf(req.resource).push(entry, req.priority);
    this.#entries.set(entry.record.id, entry);
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
    this.#targets.set(targetKey(identity), target);
    const resources = new Set<ResourceType>();
    for (const e of this.#entries.values()) {
      if (!e.replay && e.record.className === identity.className && e.record.method === identity.method) resources.add(e.record.resource);
    }
    for (const r of resources) void this.drain(r);
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
    const now = this.#o.clock.wallNow();
    for (const r of records) {
      if (this.#entries.has(r.id) || this.#settled.has(r.id)) continue;
      const { argsJson, version: _v, ...record } = r;
      if (r.status !== 'queued') {
        if ((r.settledAt ?? 0) + this.#o.resultRetentionMs <= now) void this.#persistence.delete(r.id).catch(() => undefined);
        else this.#settled.set(r.id, Object.freeze(record));
        continue;
      }
      const entry: Entry = { record: { ...record, persisted: true }, argsJson, replay: undefined };
      this.#entries.set(r.id, entry);
      this.#queueOf(r.resource).push(entry, r.priority);
    }
    this.#expire();
    this.#arm();
    for (const r of new Set(records.map((r) => r.resource))) void this.drain(r);
  }

  /** Release timers; callers still waiting get QueueStoppedError (persisted requests stay stored). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.clear();
    await Promise.allSettled([...this.#draining.values()]);
    for (const e of [...this.#entries.values()]) {
      e.detach?.();
      if (e.record.persisted) e.settle?.reject(new QueueStoppedError(e.record.id, true));
      else this.#settle(e, 'failed', undefined, new QueueStoppedError(e.record.id, false));
    }
    this.#entries.clear();
    this.#queues.clear();
    await this.#persistence?.flush();
  }

  async #drain(resource: ResourceType): Promise<void> {
    const q = this.#queues.get(resource);
    if (!q) return;
    for (const entry of q.values()) {
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
        if (c.kind === 'permanent' && c.scope !== 'provider') {
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

  #settle(entry: Entry, status: QueuedRequestStatus, result: unknown, error: unknown): void {
    if (entry.record.status !== 'queued') return;
    entry.detach?.();
    this.#queues.get(entry.record.resource)?.remove(entry);
    this.#entries.delete(entry.record.id);
    const record: QueuedRequest = Object.freeze({
      ...entry.record,
      status,
      settledAt: this.#o.clock.wallNow(),
      result: status === 'succeeded' ? result : undefined,
      error: status === 'succeeded' ? undefined : errorInfo(error, this.#o.redact),
    });
    entry.record = record;
    this.#settled.set(record.id, record);
    if (record.persisted && entry.argsJson !== undefined && this.#persistence) {
      this.#persistence.save(record, entry.argsJson).catch((err: unknown) => {
        this.#warnings.fire({ message: 'could not record a queued request outcome', requestId: record.id, error: err });
      });
    }
    this.#settledEvents.fire(record);
    if (status === 'succeeded') entry.settle?.resolve(result);
    else entry.settle?.reject(error);
    this.#arm();
  }

  #expire(): void {
    const now = this.#o.clock.wallNow();
    for (const e of [...this.#entries.values()]) {
      if (e.record.deadline <= now) {
        this.#settle(e, 'failed', undefined, new QueueTimeoutError(e.record.resource, e.record.id, this.#o.maxWaitMs, { cause: e.lastError }));
      }
    }
  }

  #queueOf(resource: ResourceType): BoundedPriorityQueue<Entry> {
    let q = this.#queues.get(resource);
    if (!q) this.#queues.set(resource, (q = new BoundedPriorityQueue<Entry>(resource, this.#o.maxQueueSize)));
    return q;
  }

  /** (Re)arm the timers for the earliest deadline and, if a queued resource is polled, the retry interval. */
  #arm(): void {
    if (this.#stopped) return;
    let earliest = Number.POSITIVE_INFINITY;
    let needsRetry = false;
    for (const e of this.#entries.values()) {
      earliest = Math.min(earliest, e.record.deadline);
      if (this.#o.pollOnTimer(e.record.resource)) needsRetry = true;
    }
    this.#timers.arm(earliest, needsRetry ? this.#o.retryIntervalMs : undefined);
  }

  #retryPolled(): void {
    const resources = new Set([...this.#entries.values()].map((e) => e.record.resource));
    const drains = [...resources].filter((r) => this.#o.pollOnTimer(r) && this.#o.replayDue(r)).map((r) => this.drain(r));
    void Promise.allSettled(drains).then(() => this.#arm());
  }

  #purgeSettled(): void {
    const cutoff = this.#o.clock.wallNow() - this.#o.resultRetentionMs;
    for (const [id, r] of this.#settled) {
      if ((r.settledAt ?? 0) > cutoff) break;
      this.#settled.delete(id);
    }
  }
}
