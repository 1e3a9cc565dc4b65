import type { StateStore } from '@rampart/core';
import type { ChannelMessage } from '../message.js';
import { parseChannelMessage } from '../parse-message.js';

interface Entry {
  message: ChannelMessage;
  /** Order of queueing, for messages of one priority and timestamp. */
  seq: number;
}

/** Delivery order: highest priority first, then oldest, then first queued. */
function byDeliveryOrder(a: Entry, b: Entry): number {
  return b.message.priority - a.message.priority || a.message.timestamp - b.message.timestamp || a.seq - b.seq;
}

/**
 * Messages no channel could take, kept in a {@link StateStore} under `channels/<team>/outbox/<id>`
 * until they are sent or expire (with a FileStore they survive a crash). The depth is tracked in
 * memory so health reports need no I/O.
 */
export class Outbox {
  readonly #store: StateStore;
  readonly #prefix: string;
  readonly #ids = new Set<string>();
  #seq = 0;

  constructor(store: StateStore, team: string) {
    this.#store = store;
    this.#prefix = `channels/${team}/outbox/`;
  }

  get depth(): number {
    return this.#ids.size;
  }

  /** Store `message` (again, after a failed resend: its place in the order is kept). */
  async put(message: ChannelMessage, seq?: number): Promise<void> {
    const entry: Entry = { message, seq: seq ?? ++this.#seq };
    await this.#store.set(this.#prefix + message.id, entry);
    this.#ids.add(message.id);
  }

  async remove(id: string): Promise<void> {
    await this.#store.delete(this.#prefix + id);
    this.#ids.delete(id);
  }

  /**
   * Every stored message in delivery order. Entries that are not valid messages are left in the
   * store (never dropped) and returned in `invalid` by key.
   */
  async list(): Promise<{ entries: Entry[]; invalid: string[] }> {
    const entries: Entry[] = [];
    const invalid: string[] = [];
    for (const [key, value] of await this.#store.entries(this.#prefix)) {
      const v = value as Partial<Entry> | null;
      try {
        if (typeof v !== 'object' || v === null || typeof v.seq !== 'number') throw new TypeError('not an outbox entry');
        entries.push({ message: parseChannelMessage(v.message), seq: v.seq });
      } catch {
        invalid.push(key);
      }
    }
    this.#ids.clear();
    for (const e of entries) {
      this.#ids.add(e.message.id);
      this.#seq = Math.max(this.#seq, e.seq);
    }
    return { entries: entries.sort(byDeliveryOrder), invalid };
  }
}
