import { randomUUID } from 'node:crypto';
import {
  circuitBreakers,
  CircuitState,
  ConfigError,
  optionsObject,
  type CircuitBreakerPolicy,
  type CircuitBreakerRegistry,
  type CircuitStateChange,
  type Disposable,
  type Event,
  type OptionKeys,
} from '@rampart/core';
import type { Redis } from 'ioredis';
import { parseBreakerSyncMessage, type BreakerSyncMessage } from './breaker-sync-message.js';
import { redactRedisError } from './redact-redis-error.js';
import { closeClient } from './redis-commands.js';
import { openRedisClient, validateRedisConnection, type RedisConnection } from './redis-connection.js';

/**
 * The breakers to share: a registry (the process-wide `circuitBreakers` by default), or a
 * manager's `circuitBreakerSource()`. When the source has `onBreakerCreated`, breakers created
 * later are watched as they appear (no {@link RedisBreakerSync.refresh} needed).
 */
export type SharedBreakerSource = Pick<CircuitBreakerRegistry, 'list' | 'get'> & { readonly onBreakerCreated?: Event<CircuitBreakerPolicy> };

/** Options of {@link RedisBreakerSync}. */
export interface RedisBreakerSyncOptions {
  /**
   * An ioredis client (used to publish and left open; a duplicate of it subscribes) or a URL
   * (two connections are opened). Default `redis://127.0.0.1:6379`. `dispose()` quits what it opened.
   */
  redis?: RedisConnection;
  /** The pub/sub channel every sharing process uses. Default `'rampart:breakers'`. */
  channel?: string;
  /**
   * Called on connection errors, when publishing fails, and when a message cannot be parsed or
   * applied; Redis errors arrive with their secrets stripped. Default: `process.emitWarning`.
   */
  onError?: (message: string, error: unknown) => void;
}

/** Every option of {@link RedisBreakerSyncOptions}: any other key is a ConfigError. */
const REDIS_BREAKER_SYNC_KEYS: OptionKeys<RedisBreakerSyncOptions> = { redis: true, channel: true, onError: true };

/** {@link RedisBreakerSyncOptions} after validation. */
export interface ResolvedRedisBreakerSyncOptions {
  readonly channel: string;
  readonly onError: (message: string, error: unknown) => void;
}

/** Validate options and resolve defaults into a new frozen object; throws ConfigError naming the bad option. */
export function resolveRedisBreakerSyncOptions(options: RedisBreakerSyncOptions = {}): ResolvedRedisBreakerSyncOptions {
  optionsObject('redisBreakerSync', options, REDIS_BREAKER_SYNC_KEYS);
  validateRedisConnection('redisBreakerSync.redis', options.redis);
  const channel = options.channel ?? 'rampart:breakers';
  if (typeof channel !== 'string' || channel.length === 0) throw new ConfigError('redisBreakerSync.channel', 'must be a non-empty string', channel);
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new ConfigError('redisBreakerSync.onError', 'must be a function', options.onError);
  const onError = options.onError ?? ((message: string, error: unknown) => process.emitWarning(`${message}: ${error instanceof Error ? error.message : String(error)}`, 'RampartWarning'));
  return Object.freeze({ channel, onError });
}

/**
 * Shares the state of named circuit breakers between processes over Redis pub/sub. When a watched
 * breaker opens (or is isolated) here, the same-named breaker in every other process opens with the
 * same `halfOpenAt`; when it closes here, it is reset there. Half-open is not shared: each process
 * admits its own probes once `halfOpenAt` passes, and the first probe outcome is shared again.
 * A message older than the receiving breaker's last transition is ignored, so the later change wins.
 * Applying a remote change is not published again, and a process ignores its own messages.
 *
 * Breakers are looked up by name in the source: those present at `start()`, those named by an
 * incoming message (`source.get(name)`; a manager's source creates the breaker), those the source
 * reports through `onBreakerCreated`, and those added later once {@link refresh} is called.
 * {@link watch} shares a breaker that is not in the source.
 */
export class RedisBreakerSync {
  readonly options: ResolvedRedisBreakerSyncOptions;
  /** This instance's id in published messages. */
  readonly id = randomUUID();
  readonly #source: SharedBreakerSource;
  readonly #publisher: Redis;
  readonly #ownsPublisher: boolean;
  readonly #subscriber: Redis;
  readonly #watched = new Map<string, { breaker: CircuitBreakerPolicy; subscription: Disposable }>();
  readonly #pending = new Set<Promise<unknown>>();
  /** The breaker a remote change is being applied to (its state-change event is not published). */
  #applying: CircuitBreakerPolicy | undefined;
  #started: Promise<void> | undefined;
  /** Rejects a `start()` still waiting for SUBSCRIBE when the sync is disposed (ioredis strands it when a reconnecting client is dropped). */
  #abandonStart: ((reason: Error) => void) | undefined;
  #created: Disposable | undefined;
  #disposed = false;

  constructor(source: SharedBreakerSource = circuitBreakers, options: RedisBreakerSyncOptions = {}) {
    if (typeof source?.list !== 'function' || typeof source.get !== 'function') throw new ConfigError('redisBreakerSync.source', 'must be a CircuitBreakerRegistry', typeof source);
    if (source.onBreakerCreated !== undefined && typeof source.onBreakerCreated !== 'function') {
      throw new ConfigError('redisBreakerSync.source.onBreakerCreated', 'must be an event (a function taking a listener)', typeof source.onBreakerCreated);
    }
    this.options = resolveRedisBreakerSyncOptions(options);
    this.#source = source;
    const { client, owned } = openRedisClient(options.redis);
    this.#publisher = client;
    this.#ownsPublisher = owned;
    this.#subscriber = client.duplicate();
    this.#subscriber.on('error', this.#onConnectionError);
    if (owned) client.on('error', this.#onConnectionError);
    this.#subscriber.on('message', this.#onMessage);
  }

  /**
   * Subscribe to the channel and watch the registry's breakers; resolves once subscribed. Rejects
   * with the Redis error (secrets stripped), or when {@link dispose} comes first.
   */
  start(): Promise<void> {
    if (this.#disposed) return Promise.reject(new Error('RedisBreakerSync is disposed'));
    this.#created ??= this.#source.onBreakerCreated?.((breaker) => {
      if (!this.#disposed) this.watch(breaker);
    });
    this.#started ??= new Promise<void>((resolve, reject) => {
      this.#abandonStart = reject;
      this.#subscriber.subscribe(this.options.channel).then(() => {
        if (!this.#disposed) this.refresh();
        resolve();
      }, (error: unknown) => reject(redactRedisError(error)));
    }).finally(() => {
      this.#abandonStart = undefined;
    });
    return this.#started;
  }

  /** Watch breakers added to the registry since the last look; returns how many were added. */
  refresh(): number {
    let added = 0;
    for (const breaker of this.#source.list()) {
      if (this.#watched.get(breaker.name)?.breaker === breaker) continue;
      this.watch(breaker);
      added++;
    }
    return added;
  }

  /** Share one breaker (replacing a watched breaker of the same name); dispose the result to stop. */
  watch(breaker: CircuitBreakerPolicy): Disposable {
    this.#watched.get(breaker.name)?.subscription.dispose();
    const subscription = breaker.onStateChange((change) => this.#publish(breaker, change));
    const entry = { breaker, subscription };
    this.#watched.set(breaker.name, entry);
    return {
      dispose: () => {
        subscription.dispose();
        if (this.#watched.get(breaker.name) === entry) this.#watched.delete(breaker.name);
      },
    };
  }

  /**
   * Stop sharing: unwatch every breaker, wait for pending publishes, unsubscribe, and quit the
   * connections it opened (dropping one that is not connected, so a Redis that is down does not hold it up).
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#abandonStart?.(new Error('RedisBreakerSync is disposed'));
    this.#created?.dispose();
    for (const { subscription } of this.#watched.values()) subscription.dispose();
    this.#watched.clear();
    this.#subscriber.off('message', this.#onMessage);
    await Promise.allSettled([...this.#pending]);
    await closeClient(this.#subscriber);
    if (this.#ownsPublisher) await closeClient(this.#publisher);
  }

  #publish(breaker: CircuitBreakerPolicy, change: CircuitStateChange): void {
    if (this.#applying === breaker || this.#disposed) return;
    if (change.to !== CircuitState.Open && change.to !== CircuitState.Closed) return;
    let message: BreakerSyncMessage;
    if (change.to === CircuitState.Open) {
      const s = breaker.snapshot();
      message = { version: 1, from: this.id, name: breaker.name, state: CircuitState.Open, at: s.lastTransitionAt ?? change.at, isolated: s.isolated, halfOpenAt: s.halfOpenAt };
    } else {
      message = { version: 1, from: this.id, name: breaker.name, state: CircuitState.Closed, at: change.at, isolated: false };
    }
    const sent: Promise<unknown> = this.#publisher
      .publish(this.options.channel, JSON.stringify(message))
      .catch((err: unknown) => this.options.onError(`could not publish circuit state of ${breaker.name}`, redactRedisError(err)))
      .finally(() => this.#pending.delete(sent));
    this.#pending.add(sent);
  }

  readonly #onMessage = (channel: string, payload: string): void => {
    if (channel !== this.options.channel || this.#disposed) return;
    let message: BreakerSyncMessage;
    try {
      message = parseBreakerSyncMessage(payload);
    } catch (err) {
      this.options.onError(`ignoring a malformed message on ${channel}`, err);
      return;
    }
    if (message.from === this.id) return;
    if (!this.#watched.has(message.name)) {
      // a registry finds it if it was added since; a manager's source creates it (and reports it)
      const found = this.#source.get(message.name);
      if (found !== undefined && this.#watched.get(message.name)?.breaker !== found) this.watch(found);
    }
    const breaker = this.#watched.get(message.name)?.breaker;
    if (breaker === undefined) return;
    try {
      this.#apply(breaker, message);
    } catch (err) {
      this.options.onError(`could not apply circuit state of ${message.name}`, err);
    }
  };

  #apply(breaker: CircuitBreakerPolicy, m: BreakerSyncMessage): void {
    const last = breaker.stats.lastTransitionAt;
    if (last !== undefined && m.at < last) return; // a later local change wins
    this.#applying = breaker;
    try {
      if (m.state === CircuitState.Closed) {
        if (breaker.state !== CircuitState.Closed) breaker.reset();
        return;
      }
      const current = breaker.snapshot();
      const halfOpenAt = m.isolated ? undefined : m.halfOpenAt;
      if (current.state === CircuitState.Open && current.isolated === m.isolated && current.halfOpenAt === halfOpenAt) return;
      // Keep this process's counters and outcome window; take the state and timing from the message.
      breaker.restore({ ...current, state: CircuitState.Open, isolated: m.isolated, halfOpenAt, lastTransitionAt: m.at });
    } finally {
      this.#applying = undefined;
    }
  }

  readonly #onConnectionError = (err: unknown): void => {
    this.options.onError('Redis connection error in breaker sync', redactRedisError(err));
  };
}

/** Create a {@link RedisBreakerSync} for `source` (default: the process-wide registry) and wait until it is subscribed. */
export async function shareCircuitBreakers(source: SharedBreakerSource = circuitBreakers, options: RedisBreakerSyncOptions = {}): Promise<RedisBreakerSync> {
  const sync = new RedisBreakerSync(source, options);
  try {
    await sync.start();
  } catch (err) {
    await sync.dispose();
    throw err;
  }
  return sync;
}
