import { randomUUID } from 'node:crypto';
import { ConfigError, systemClock, type ApiQuotaCheck, type ApiQuotaReading, type Clock } from '@rampart/core';
import type { Redis } from 'ioredis';
import { redactRedisError } from './redact-redis-error.js';
import { PubSubConnections } from './redis-pubsub.js';
import { validateRedisConnection, type RedisConnection } from './redis-connection.js';

/** A quota reading as shared: the reading and when (epoch ms) it was taken. */
interface SharedReading {
  readonly from: string;
  readonly name: string;
  readonly reading: ApiQuotaReading;
  readonly at: number;
}

function parseSharedReading(payload: string): SharedReading | undefined {
  try {
    const m = JSON.parse(payload) as Partial<SharedReading> | null;
    if (typeof m !== 'object' || m === null || typeof m.name !== 'string' || typeof m.at !== 'number' || typeof m.from !== 'string') return undefined;
    const r = m.reading as unknown;
    const ok = typeof r === 'number' ? Number.isFinite(r) : typeof r === 'object' && r !== null && typeof (r as { remaining?: unknown }).remaining === 'number' && typeof (r as { limit?: unknown }).limit === 'number';
    return ok ? (m as SharedReading) : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link SharedQuotaReadings}. */
export interface SharedQuotaReadingsOptions {
  /** An ioredis client or Cluster (left open; a duplicate subscribes) or a URL. Default `redis://127.0.0.1:6379`. */
  redis?: RedisConnection;
  /** Pub/sub channel; the latest readings are kept in the hash `${channel}:state`. Default `'rampart:quota'`. */
  channel?: string;
  /** Wall time of readings. Default: the system clock. */
  clock?: Clock;
  /** Redis errors (once per outage) and malformed messages. Default: a process warning. */
  onError?: (message: string, error: unknown) => void;
}

/**
 * API quota readings shared among replicas, so they read a quota once instead of each on its own
 * and agree on it. {@link check} wraps a quota check for `registerApiQuotaMonitor`: it answers with
 * the latest reading any replica took when that is at most `maxAgeMs` old (kept current by pub/sub,
 * no Redis round trip), and otherwise reads the quota itself and shares the reading. With Redis
 * unreachable, each replica reads its own quota.
 */
export class SharedQuotaReadings {
  readonly id = randomUUID();
  readonly #channel: string;
  readonly #stateKey: string;
  readonly #clock: Clock;
  readonly #onError: (message: string, error: unknown) => void;
  readonly #connections: PubSubConnections;
  readonly #publisher: Redis;
  readonly #latest = new Map<string, SharedReading>();
  #outage = false;
  #disposed = false;

  constructor(options: SharedQuotaReadingsOptions = {}) {
    validateRedisConnection('sharedQuotaReadings.redis', options.redis);
    const channel = options.channel ?? 'rampart:quota';
    if (typeof channel !== 'string' || channel.length === 0) throw new ConfigError('sharedQuotaReadings.channel', 'must be a non-empty string', channel);
    this.#channel = channel;
    this.#stateKey = `${channel}:state`;
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError ?? ((m, e) => process.emitWarning(`${m}: ${e instanceof Error ? e.message : String(e)}`, 'RampartWarning'));
    this.#connections = new PubSubConnections(options.redis, { onConnectionError: this.#report, onReady: this.#onReady, onMessage: this.#onMessage });
    this.#publisher = this.#connections.publisher;
  }

  /** Subscribe and load the latest readings; resolves once subscribed. */
  async start(): Promise<void> {
    await this.#connections.subscribe(this.#channel);
    await this.#load();
  }

  /** A quota check for `manager.registerApiQuotaMonitor(name, ...)` that shares readings under `name`. */
  check(name: string, read: ApiQuotaCheck, options: { maxAgeMs: number }): ApiQuotaCheck {
    if (typeof read !== 'function') throw new ConfigError('sharedQuotaReadings.check.read', 'must be a function', typeof read);
    if (!(options?.maxAgeMs >= 0)) throw new ConfigError('sharedQuotaReadings.check.maxAgeMs', 'must be a number of ms, 0 or more', options?.maxAgeMs);
    return async (signal) => {
      const latest = this.#latest.get(name);
      if (latest && this.#clock.wallNow() - latest.at <= options.maxAgeMs) return latest.reading;
      const reading = await read(signal);
      this.#share({ from: this.id, name, reading, at: this.#clock.wallNow() });
      return reading;
    };
  }

  /** The latest reading known here under `name` (for tests and reports). */
  latest(name: string): { reading: ApiQuotaReading; at: number } | undefined {
    const l = this.#latest.get(name);
    return l && { reading: l.reading, at: l.at };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#connections.close();
  }

  #share(r: SharedReading): void {
    this.#keep(r);
    const payload = JSON.stringify(r);
    this.#publisher
      .multi()
      .hset(this.#stateKey, r.name, payload)
      .publish(this.#channel, payload)
      .exec()
      .catch(this.#report);
  }

  #keep(r: SharedReading): void {
    const known = this.#latest.get(r.name);
    if (!known || known.at <= r.at) this.#latest.set(r.name, r);
  }

  async #load(): Promise<void> {
    const all = await this.#publisher.hgetall(this.#stateKey).catch((err: unknown) => {
      this.#report(err);
      return {} as Record<string, string>;
    });
    for (const payload of Object.values(all)) {
      const r = parseSharedReading(payload);
      if (r) this.#keep(r);
    }
  }

  readonly #onMessage = (channel: string, payload: string): void => {
    if (channel !== this.#channel || this.#disposed) return;
    const r = parseSharedReading(payload);
    if (r) this.#keep(r);
    else this.#onError(`ignoring a malformed message on ${channel}`, new TypeError('not a quota reading'));
  };

  readonly #onReady = (): void => {
    this.#outage = false;
    if (!this.#disposed) void this.#load();
  };

  readonly #report = (err: unknown): void => {
    if (this.#outage) return;
    this.#outage = true;
    this.#onError('Redis unreachable for shared quota readings (each replica reads its own meanwhile)', redactRedisError(err));
  };
}
