import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.js';

/** Options of the fallback result cache. */
export interface ResultCacheOptions {
  /** Entries kept (least recently used evicted first). Default 1,000. */
  maxEntries: number;
  /** An entry is fresh this long after it was stored, ms. Default 300,000 (5 min). */
  ttlMs: number;
  /** After `ttlMs`, an entry may still be served stale on error for this long, ms. Default 3,600,000 (1 h). */
  maxStaleMs: number;
}

/** A cache hit. */
export interface CacheHit {
  readonly value: unknown;
  /** Age of the entry, ms. */
  readonly ageMs: number;
  /** Older than `ttlMs` (served only because the call failed). */
  readonly stale: boolean;
}

interface Entry {
  readonly value: unknown;
  readonly storedAt: number;
}

/**
 * Earlier successful results, for USE_CACHE. Time is checked lazily through the clock (no timers);
 * the lru-cache bounds the number of entries.
 */
export class ResultCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #clock: Clock;
  readonly #options: Readonly<ResultCacheOptions>;

  constructor(options: Readonly<ResultCacheOptions>, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#lru = new LRUCache<string, Entry>({ max: options.maxEntries });
  }

  get size(): number {
    return this.#lru.size;
  }

  set(key: string, value: unknown): void {
    this.#lru.set(key, { value, storedAt: this.#clock.now() });
  }

  /** A fresh entry, or with `allowStale` one within `maxStaleMs` after expiry. */
  get(key: string, allowStale: boolean): CacheHit | undefined {
    const entry = this.#lru.get(key);
    if (!entry) return undefined;
    const ageMs = this.#clock.now() - entry.storedAt;
    const stale = ageMs >= this.#options.ttlMs;
    if (stale && ageMs >= this.#options.ttlMs + this.#options.maxStaleMs) {
      this.#lru.delete(key);
      return undefined;
    }
    if (stale && !allowStale) return undefined;
    return { value: entry.value, ageMs, stale };
  }

  /** Whether {@link get} would answer now, without touching the entry's recency (or deleting it). */
  has(key: string, allowStale: boolean): boolean {
    const entry = this.#lru.peek(key);
    if (!entry) return false;
    const ageMs = this.#clock.now() - entry.storedAt;
    if (ageMs < this.#options.ttlMs) return true;
    return allowStale && ageMs < this.#options.ttlMs + this.#options.maxStaleMs;
  }

  clear(): void {
    this.#lru.clear();
  }
}
