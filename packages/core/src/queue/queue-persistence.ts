import { serializeArgs } from '../cache/json-args.js';
import type { StateStore } from '../store/state-store.js';
import { isStoredQueuedRequest, type QueuedRequest, type StoredQueuedRequest } from './queued-request.js';

/**
 * Reads and writes a team's queued requests in a {@link StateStore}, under `${team}/queue/${id}`.
 * Writes for one team go through here so the record format lives in one place.
 */
export class QueuePersistence {
  readonly #store: StateStore;
  readonly #prefix: string;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(store: StateStore, team: string) {
    this.#store = store;
    this.#prefix = `${team}/queue/`;
  }

  /** Write a record; resolves when durable. */
  save(record: QueuedRequest, argsJson: string): Promise<void> {
    const stored: StoredQueuedRequest = { ...record, version: 1, argsJson, persisted: true };
    if (record.result !== undefined && !serializeArgs([record.result]).ok) {
      (stored as { result?: unknown }).result = undefined;
    }
    return this.#track(this.#store.set(this.#prefix + record.id, JSON.parse(JSON.stringify(stored)) as unknown));
  }

  delete(id: string): Promise<void> {
    return this.#track(this.#store.delete(this.#prefix + id));
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
