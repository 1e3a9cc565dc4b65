import { ConfigError, deadline, systemClock, TimeoutError, type StateStore } from '@rampart/core';
import { optionsObject, UnwrittenWrites, type OptionKeys } from '@rampart/core/internal';
import type { Redis } from 'ioredis';
import { redactRedisError, throwRedacted } from './redact-redis-error.js';
import { RedisUnreachableError } from './redis-unreachable-error.js';
import { isCluster, openRedisClient, quitRedisClient, scanKeys, validateRedisConnection, type RedisConnection } from './redis-connection.js';

/** Options of {@link RedisStateStore}. */
export interface RedisStateStoreOptions {
  /** An ioredis client (left open by `close()`) or a URL to connect to (closed by `close()`). Default `redis://127.0.0.1:6379`. */
  redis?: RedisConnection;
  /** Prepended to every key, so several applications can share one database. Default `'rampart:'`. */
  keyPrefix?: string;
  /** Keys fetched per SCAN and MGET round trip by `entries`. Default 200. */
  batchSize?: number;
  /**
   * How long a replica's lease on a queued request lasts unless renewed (renewed every third of it
   * while it replays the request); also how often each replica re-reads the team's queued requests,
   * so a dead replica's requests are taken over within about twice this. Default 15 000 ms.
   */
  leaseMs?: number;
  /**
   * Keys whose failed writes (`set`, `delete`) the store keeps and retries every second until
   * written (a later write of the key replaces the kept one; at most 10 000 keys, beyond that the
   * write is not kept and `onConnectionError` hears it). The write still rejects, so its caller
   * knows. Default: the manager's breaker snapshots (keys containing `/breaker/`), whose last state
   * must reach Redis; the request queue keeps and retries its own outcomes.
   */
  retryFailedWrites?: (key: string) => boolean;
  /** Called for an entry whose value is not JSON; `entries` skips it. */
  onCorruptEntry?: (key: string, error: unknown) => void;
  /**
   * Called, with its secrets stripped, when the connection this store opened fails (ioredis then
   * reconnects by itself): once per outage, again only after the connection was ready in between.
   * Default: `process.emitWarning`. Not used for a client passed in `redis` (its owner listens).
   */
  onConnectionError?: (error: unknown) => void;
  /**
   * The longest one operation of the store (a read, a write, a lease, `entries`) may wait for Redis
   * before it rejects with a `TimeoutError`. ioredis queues commands while it reconnects, and a
   * `Cluster` that lost every node holds them until it is back, so without a bound a write in an
   * outage would wait for the outage. A write that timed out is kept for retry like a failed one
   * (ioredis may still send it when Redis returns: every write is an idempotent SET or DEL). Default 2 000 ms.
   */
  commandTimeoutMs?: number;
}

/** Every option of {@link RedisStateStoreOptions}: any other key is a ConfigError. */
const REDIS_STATE_STORE_KEYS: OptionKeys<RedisStateStoreOptions> = {
  redis: true, keyPrefix: true, leaseMs: true, retryFailedWrites: true, batchSize: true, onCorruptEntry: true, onConnectionError: true, commandTimeoutMs: true,
};

/** {@link RedisStateStoreOptions} after validation. */
export interface ResolvedRedisStateStoreOptions {
  readonly keyPrefix: string;
  readonly batchSize: number;
  readonly leaseMs: number;
  readonly commandTimeoutMs: number;
  readonly retryFailedWrites: (key: string) => boolean;
  readonly onCorruptEntry: ((key: string, error: unknown) => void) | undefined;
  readonly onConnectionError: (error: unknown) => void;
}

/** Validate options and resolve defaults into a new frozen object; throws ConfigError naming the bad option. */
export function resolveRedisStateStoreOptions(options: RedisStateStoreOptions = {}): ResolvedRedisStateStoreOptions {
  optionsObject('redisStateStore', options, REDIS_STATE_STORE_KEYS);
  validateRedisConnection('redisStateStore.redis', options.redis);
  const keyPrefix = options.keyPrefix ?? 'rampart:';
  if (typeof keyPrefix !== 'string') throw new ConfigError('redisStateStore.keyPrefix', 'must be a string', keyPrefix);
  const batchSize = options.batchSize ?? 200;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError('redisStateStore.batchSize', 'must be a positive integer', batchSize);
  const leaseMs = options.leaseMs ?? 15_000;
  if (typeof leaseMs !== 'number' || !Number.isFinite(leaseMs) || leaseMs < 10) throw new ConfigError('redisStateStore.leaseMs', 'must be a number of ms, at least 10', leaseMs);
  const commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
  if (typeof commandTimeoutMs !== 'number' || !Number.isFinite(commandTimeoutMs) || commandTimeoutMs < 1) {
    throw new ConfigError('redisStateStore.commandTimeoutMs', 'must be a number of ms, at least 1', commandTimeoutMs);
  }
  const retryFailedWrites = options.retryFailedWrites ?? ((key: string) => key.includes('/breaker/'));
  if (typeof retryFailedWrites !== 'function') throw new ConfigError('redisStateStore.retryFailedWrites', 'must be a function', retryFailedWrites);
  if (options.onCorruptEntry !== undefined && typeof options.onCorruptEntry !== 'function') {
    throw new ConfigError('redisStateStore.onCorruptEntry', 'must be a function', options.onCorruptEntry);
  }
  if (options.onConnectionError !== undefined && typeof options.onConnectionError !== 'function') {
    throw new ConfigError('redisStateStore.onConnectionError', 'must be a function', options.onConnectionError);
  }
  const onConnectionError =
    options.onConnectionError ??
    ((error: unknown) => process.emitWarning(`Redis state store connection failed: ${error instanceof Error ? error.message : String(error)}`, 'RampartWarning'));
  return Object.freeze({ keyPrefix, batchSize, leaseMs, commandTimeoutMs, retryFailedWrites, onCorruptEntry: options.onCorruptEntry, onConnectionError });
}

/** Set the lease to ARGV[1] for ARGV[2] ms when it is free, expired or already ARGV[1]'s. */
const CLAIM_SCRIPT = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Delete the lease when ARGV[1] holds it. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Escape Redis glob characters so a prefix matches literally in `SCAN MATCH`. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}

/**
 * A {@link StateStore} in Redis: one string key per entry holding the value's JSON, under
 * `keyPrefix` (the manager's keys already start with its team, e.g. `rampart:ops/queue/...`).
 * Each write is a single `SET` or `DEL`, so it is atomic, and writes through one store reach the
 * server in call order, so the last of concurrent writes to a key wins. A write is acknowledged once
 * Redis holds it in memory: how durable that is depends on the server's persistence (`appendonly yes`
 * with `appendfsync always` to match the file backend's fsync). Several processes may share a store.
 * Redis errors reach the caller with their secrets stripped (a refused `AUTH` carries the password).
 */
export class RedisStateStore implements StateStore {
  /** Other processes (replicas of a team) may use the same entries. */
  readonly shared = true;
  readonly options: ResolvedRedisStateStoreOptions;
  readonly leaseMs: number;
  /** Failed writes of keys matching `retryFailedWrites`, retried until written. */
  readonly unwritten = new UnwrittenWrites(systemClock);
  readonly #redis: Redis;
  readonly #owned: boolean;
  /**
   * `performance.now()` when the connection was last ready after an outage (-Infinity after its
   * first connection: no outage seen); undefined while it is down.
   */
  #readySince: number | undefined;
  /** The connection went down after having been ready: while it is down, operations are refused at once. */
  #outageSeen = false;
  readonly #onReady = (): void => {
    this.#readySince = this.#outageSeen ? performance.now() : Number.NEGATIVE_INFINITY;
  };
  readonly #onDown = (): void => {
    if (this.#readySince !== undefined) this.#outageSeen = true;
    this.#readySince = undefined;
  };
  /** The client's own ioredis `keyPrefix`, which SCAN results include but commands add themselves. */
  readonly #clientPrefix: string;

  constructor(options: RedisStateStoreOptions = {}) {
    this.options = resolveRedisStateStoreOptions(options);
    this.leaseMs = this.options.leaseMs;
    const { client, owned } = openRedisClient(options.redis);
    this.#redis = client;
    this.#owned = owned;
    this.#clientPrefix = client.options.keyPrefix ?? '';
    if (client.status === 'ready') this.#readySince = Number.NEGATIVE_INFINITY;
    client.on('ready', this.#onReady);
    client.on('close', this.#onDown);
    if (owned) {
      // without a listener ioredis prints every reconnect failure to stderr as an unhandled error event
      let reported = false;
      client.on('ready', () => (reported = false));
      client.on('error', (error: unknown) => {
        if (reported) return;
        reported = true;
        this.options.onConnectionError(redactRedisError(error));
      });
    }
  }

  async get(key: string): Promise<unknown | undefined> {
    const raw = await this.#bounded(`GET ${key}`, () => this.#redis.get(this.options.keyPrefix + key)).catch(throwRedacted);
    return raw === null ? undefined : JSON.parse(raw);
  }

  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`state store value for ${JSON.stringify(key)} does not serialise to JSON`);
    await this.#write(key, async () => {
      await this.#bounded(`SET ${key}`, () => this.#redis.set(this.options.keyPrefix + key, text));
    });
  }

  async delete(key: string): Promise<void> {
    await this.#write(key, async () => {
      await this.#bounded(`DEL ${key}`, () => this.#redis.del(this.options.keyPrefix + key));
    });
  }

  /** Run a write; when it fails and the key is one to retry, keep it for {@link unwritten}, then reject. */
  async #write(key: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
      this.unwritten.forget(key);
    } catch (error) {
      if (this.options.retryFailedWrites(key) && !this.unwritten.keep(key, write)) {
        this.options.onConnectionError(new Error(`state store: ${this.unwritten.size} writes already wait for Redis; the write of ${key} is not kept for retry`));
      }
      throwRedacted(error);
    }
  }

  /**
   * For how long the connection has been ready since it last came back from an outage, in ms: 0
   * while it is down (or not connected yet), Infinity when it has not failed since it first connected.
   */
  reachableForMs(): number {
    return this.#readySince === undefined ? 0 : performance.now() - this.#readySince;
  }

  /** Take or renew `owner`'s lease on `key` (one Lua script: atomic across processes). */
  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = await this.#bounded(`claim of ${key}`, () => this.#redis.eval(CLAIM_SCRIPT, 1, this.options.keyPrefix + key, owner, String(Math.max(1, Math.ceil(ttlMs))))).catch(throwRedacted);
    return held === 1;
  }

  /** Give up `owner`'s lease on `key`; another owner's lease stays. */
  async release(key: string, owner: string): Promise<void> {
    await this.#bounded(`release of ${key}`, () => this.#redis.eval(RELEASE_SCRIPT, 1, this.options.keyPrefix + key, owner)).catch(throwRedacted);
  }

  async entries(prefix: string): Promise<Array<[string, unknown]>> {
    try {
      return await this.#bounded(`entries under ${prefix}`, () => this.#entries(prefix));
    } catch (error) {
      throw redactRedisError(error);
    }
  }

  async #entries(prefix: string): Promise<Array<[string, unknown]>> {
    const full = this.#clientPrefix + this.options.keyPrefix;
    const match = `${globEscape(full + prefix)}*`;
    const found = new Set<string>(); // SCAN may return a key twice
    await scanKeys(this.#redis, match, this.options.batchSize, (keys) => {
      for (const k of keys) found.add(k.slice(this.#clientPrefix.length));
    });
    const keys = [...found];
    const out: Array<[string, unknown]> = [];
    for (let i = 0; i < keys.length; i += this.options.batchSize) {
      const batch = keys.slice(i, i + this.options.batchSize);
      // a Cluster's keys of one batch may sit in different slots: one GET each (ioredis pipelines them per node)
      const values = isCluster(this.#redis) ? await Promise.all(batch.map((k) => this.#redis.get(k))) : await this.#redis.mget(batch);
      batch.forEach((k, j) => {
        const raw = values[j];
        if (raw === null || raw === undefined) return; // deleted meanwhile
        const key = k.slice(this.options.keyPrefix.length);
        try {
          out.push([key, JSON.parse(raw)]);
        } catch (err) {
          this.options.onCorruptEntry?.(key, err);
        }
      });
    }
    return out;
  }

  /**
   * Run `operation` unless the connection is known to be down (it was ready, and is not now): then a
   * {@link RedisUnreachableError} at once, so no command waits in ioredis' offline queue through an
   * outage (to be sent, stale, when Redis returns) and nothing piles up there. Otherwise its result,
   * or a TimeoutError after `commandTimeoutMs` (a connection dying unnoticed; the command may still be
   * sent later). Before the first connection, commands wait for it (bounded the same way). The
   * deadline holds the process: a caller awaits it.
   */
  #bounded<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.#readySince === undefined && this.#outageSeen) return Promise.reject(new RedisUnreachableError(what));
    const ms = this.options.commandTimeoutMs;
    // on the clock's shared deadline scheduler (no timer per command); a late rejection is absorbed by race
    const d = deadline(systemClock, ms, { error: () => new TimeoutError(ms, `Redis state store: ${what} got no answer within ${ms} ms (commandTimeoutMs)`) });
    return d.race(operation());
  }

  /** Quit the connection this store opened; a client passed in `redis` stays open (its owner closes it). */
  async close(): Promise<void> {
    this.unwritten.stop();
    if (this.unwritten.size > 0 && this.#redis.status === 'ready') await this.unwritten.retry(); // one last try
    this.#redis.off('ready', this.#onReady);
    this.#redis.off('close', this.#onDown);
    if (this.#owned) await quitRedisClient(this.#redis);
  }
}
