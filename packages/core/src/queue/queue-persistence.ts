import { serializeArgs } from '../cache/json-args.js';
import { systemClock, type Clock } from '../clock/clock.js';
import type { StateStore } from '../store/state-store.js';
import { QueueLease } from './queue-lease.js';
import { isStoredQueuedRequest, type QueuedRequest, type StoredQueuedRequest } from './queued-request.js';
import { UNWRITTEN_RETRY_MS, UnwrittenWrites } from './unwritten-writes.js';

/** How long the store must have been back before a request whose caller is elsewhere is replayed. */
export const OUTAGE_GRACE_MS = 2 * UNWRITTEN_RETRY_MS + 1_000;

/**
 * Reads and writes a team's queued requests in a {@link StateStore}, under `${team}/queue/${id}`
 * (leases under `${team}/queue-lease/${id}`). Writes for one team go through here so the record
 * format lives in one place. An outcome that cannot be written is kept and retried until it is
 * ({@link UnwrittenWrites}), so a restart does not replay an answered request.
 */
export class QueuePersistence {
  readonly #store: StateStore;
  readonly #prefix: string;
  readonly #leasePrefix: string;
  readonly #pending = new Set<Promise<unknown>>();
  readonly unwritten: UnwrittenWrites;

  constructor(store: StateStore, team: string, clock: Clock = systemClock, maxUnwritten?: number) {
    this.#store = store;
    this.#prefix = `${team}/queue/`;
    this.#leasePrefix = `${team}/queue-lease/`;
    this.unwritten = new UnwrittenWrites(clock, maxUnwritten);
  }

  /** Whether the store has leases (then each stored request is claimed before it is replayed). */
  get leased(): boolean {
    return typeof this.#store.claim === 'function' && typeof this.#store.release === 'function';
  }

  /** Whether other processes use the store (then stored requests are re-read every lease period). */
  get shared(): boolean {
    return this.leased && this.#store.shared === true;
  }

  /**
   * Whether the store has been reachable long enough for other replicas to have written the outcomes
   * they kept during an outage (two retry periods of {@link UnwrittenWrites} and one more second).
   */
  get settledAfterOutage(): boolean {
    return (this.#store.reachableForMs?.() ?? Number.POSITIVE_INFINITY) >= OUTAGE_GRACE_MS;
  }

  /** False when the store says it is unreachable right now (then nothing waits on it: the queue works locally). */
  get reachable(): boolean {
    return (this.#store.reachableForMs?.() ?? 1) > 0;
  }

  /** Write a record; resolves when durable. */
  save(record: QueuedRequest, argsJson: string): Promise<void> {
    const stored: StoredQueuedRequest = { ...record, version: 1, argsJson, persisted: true };
    if (record.result !== undefined && !serializeArgs([record.result]).ok) {
      (stored as { result?: unknown }).result = undefined;
    }
    const json = JSON.parse(JSON.stringify(stored)) as unknown;
    return this.#track(this.#store.set(this.#prefix + record.id, json));
  }

  /**
   * Write a settled request's outcome. When it fails, it is kept and retried until written; resolves
   * `'written'`, `'kept'` (retried later) or `'dropped'` (the retry buffer is full: the caller reports it).
   */
  async saveOutcome(record: QueuedRequest, argsJson: string): Promise<'written' | 'kept' | 'dropped'> {
    const write = () => this.save(record, argsJson);
    try {
      await write();
      this.unwritten.forget(record.id);
      return 'written';
    } catch {
      return this.unwritten.keep(record.id, write) ? 'kept' : 'dropped';
    }
  }

  delete(id: string): Promise<void> {
    if (this.unwritten.has(id)) this.unwritten.keep(id, () => this.#store.delete(this.#prefix + id));
    return this.#track(this.#store.delete(this.#prefix + id));
  }

  /** The stored record of `id` (undefined when absent or not a record); rejects when the store fails. */
  async read(id: string): Promise<StoredQueuedRequest | undefined> {
    const value = await this.#store.get(this.#prefix + id);
    return isStoredQueuedRequest(value) ? value : undefined;
  }

  /** Take the lease on a stored request (undefined: another replica holds it); rejects when the store fails. */
  lease(id: string, owner: string, options: { clock: Clock; leaseMs: number; onLost: () => void }): Promise<QueueLease | undefined> {
    const store = this.#store as Required<Pick<StateStore, 'claim' | 'release'>>;
    return QueueLease.take(store, this.#leasePrefix + id, owner, options);
  }

  /** Pursue the lease on a stored request already being replayed without one ({@link QueueLease.pursue}). */
  pursueLease(id: string, owner: string, options: { clock: Clock; leaseMs: number; retryMs: number; onLost: () => void }): QueueLease {
    const store = this.#store as Required<Pick<StateStore, 'claim' | 'release'>>;
    return QueueLease.pursue(store, this.#leasePrefix + id, owner, options);
  }

  /**
   * Every stored record of the team. Entries that are not valid records are moved aside when the
   * store can (`quarantine`: it reports them, once); `invalid` lists the keys of the others.
   */
  async load(): Promise<{ records: StoredQueuedRequest[]; invalid: string[] }> {
    await this.flush();
    const records: StoredQueuedRequest[] = [];
    const invalid: string[] = [];
    for (const [key, value] of await this.#store.entries(this.#prefix)) {
      if (isStoredQueuedRequest(value)) records.push(value);
      else if (this.#store.quarantine) await this.#store.quarantine(key, new Error('not a valid queued request record'));
      else invalid.push(key);
    }
    return { records, invalid };
  }

  /** Wait for every write in flight. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(p: Promise<void>): Promise<void> {
    this.#pending.add(p);
    void p.then(
      () => this.#pending.delete(p),
      () => this.#pending.delete(p),
    );
    return p;
  }
}
