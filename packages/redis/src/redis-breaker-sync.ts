import { randomUUID } from 'node:crypto';
import {
  circuitBreakers,
  CircuitState,
  ConfigError,
  systemClock,
  type Clock,
  type TimerHandle,
  type CircuitBreakerPolicy,
  type CircuitBreakerRegistry,
  type CircuitStateChange,
  type Disposable,
  type Event,
} from '@rampart/core';
import { optionsObject, type OptionKeys } from '@rampart/core/internal';
import type { Redis } from 'ioredis';
import { parseBreakerSyncMessage, type BreakerSyncMessage } from './breaker-sync-message.js';
import { BreakerStateHash } from './breaker-state-hash.js';
import { ProbeLeases } from './probe-leases.js';
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
  /**
   * The hash holding every shared breaker's latest transition (the versioned state each process
   * reconciles with). Default `${channel}:state`.
   */
  stateKey?: string;
  /**
   * How often each process re-reads the shared state and writes the transitions it could not write
   * (Redis was unreachable), in ms; it also does so as soon as its connection is back. Default 5 000.
   */
  reconcileIntervalMs?: number;
  /**
   * One process at a time probes a shared breaker once `halfOpenAt` comes: the one that takes the
   * probe lease (`${stateKey}:probe:<name>:<halfOpenAt>`); the others wait this long more (ms) for its
   * outcome before trying again. 0 turns it off (every process probes). Default 10 000.
   */
  probeLeaseMs?: number;
  /** Timers of the periodic reconciliation and probe leases; wall time of `halfOpenAt`. Default: the system clock. */
  clock?: Clock;
}

/** Every option of {@link RedisBreakerSyncOptions}: any other key is a ConfigError. */
const REDIS_BREAKER_SYNC_KEYS: OptionKeys<RedisBreakerSyncOptions> = { redis: true, channel: true, onError: true, stateKey: true, reconcileIntervalMs: true, probeLeaseMs: true, clock: true };

/** {@link RedisBreakerSyncOptions} after validation. */
export interface ResolvedRedisBreakerSyncOptions {
  readonly channel: string;
  readonly onError: (message: string, error: unknown) => void;
  readonly stateKey: string;
  readonly reconcileIntervalMs: number;
  readonly probeLeaseMs: number;
  readonly clock: Clock;
}

/** Validate options and resolve defaults into a new frozen object; throws ConfigError naming the bad option. */
export function resolveRedisBreakerSyncOptions(options: RedisBreakerSyncOptions = {}): ResolvedRedisBreakerSyncOptions {
  optionsObject('redisBreakerSync', options, REDIS_BREAKER_SYNC_KEYS);
  validateRedisConnection('redisBreakerSync.redis', options.redis);
  const channel = options.channel ?? 'rampart:breakers';
  if (typeof channel !== 'string' || channel.length === 0) throw new ConfigError('redisBreakerSync.channel', 'must be a non-empty string', channel);
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new ConfigError('redisBreakerSync.onError', 'must be a function', options.onError);
  const onError = options.onError ?? ((message: string, error: unknown) => process.emitWarning(`${message}: ${error instanceof Error ? error.message : String(error)}`, 'RampartWarning'));
  const stateKey = options.stateKey ?? `${channel}:state`;
  if (typeof stateKey !== 'string' || stateKey.length === 0) throw new ConfigError('redisBreakerSync.stateKey', 'must be a non-empty string', stateKey);
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 5_000;
  if (typeof reconcileIntervalMs !== 'number' || !Number.isFinite(reconcileIntervalMs) || reconcileIntervalMs < 10) {
    throw new ConfigError('redisBreakerSync.reconcileIntervalMs', 'must be a number of ms, at least 10', reconcileIntervalMs);
  }
  const probeLeaseMs = options.probeLeaseMs ?? 10_000;
  if (typeof probeLeaseMs !== 'number' || !Number.isFinite(probeLeaseMs) || probeLeaseMs < 0) throw new ConfigError('redisBreakerSync.probeLeaseMs', 'must be a number of ms, 0 or more', probeLeaseMs);
  const clock = options.clock ?? systemClock;
  if (typeof clock?.setBackgroundTimeout !== 'function') throw new ConfigError('redisBreakerSync.clock', 'must be a Clock', typeof clock);
  return Object.freeze({ channel, onError, stateKey, reconcileIntervalMs, probeLeaseMs, clock });
}

/**
 * Shares the state of named circuit breakers between processes over Redis pub/sub. When a watched
 * breaker opens (or is isolated) here, the same-named breaker in every other process opens with the
 * same `halfOpenAt`; when it closes here, it is reset there. Half-open is not shared: once
 * `halfOpenAt` passes, the process holding the probe lease ({@link ProbeLeases}) admits its probes,
 * the others wait, and the probe's outcome is shared again.
 * A message older than the receiving breaker's last transition is ignored, so the later change wins.
 * Applying a remote change is not published again, and a process ignores its own messages.
 *
 * Versioned: every transition is also written to a hash (`stateKey`), field per breaker, only when
 * newer than the field's; a process that cannot write it (Redis unreachable) keeps it and writes it
 * later. Each process reconciles with the hash when its connection is back, when its subscriber
 * is (it missed what was published meanwhile), and every
 * `reconcileIntervalMs`: it writes what it kept, reads every field, and applies the newer ones, so
 * after an outage every process agrees within (ioredis' reconnection delay, at most 2 s by default)
 * + `reconcileIntervalMs` of Redis returning. Connection errors are reported once per outage.
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
  readonly #state: BreakerStateHash;
  readonly #probes: ProbeLeases | undefined;
  /** Per breaker name, the `at` of the latest transition applied or published here. */
  readonly #versions = new Map<string, number>();
  /** Per breaker name, the highest shared-state `seq` applied or written here. */
  readonly #seqs = new Map<string, number>();
  /** Per breaker name, writes in flight (reconciliation leaves those breakers alone meanwhile). */
  readonly #writing = new Map<string, number>();
  /** Transitions not written yet (Redis unreachable), latest per name. */
  readonly #unwritten = new Map<string, BreakerSyncMessage>();
  #reconcileTimer: TimerHandle | undefined;
  #reconciling: Promise<void> | undefined;
  /** Whether a connection error was reported since a connection was last ready (one report per outage). */
  #outage = false;

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
    client.on('ready', this.#onReady);
    this.#state = new BreakerStateHash(client, this.options.stateKey, this.options.channel);
    this.#probes =
      this.options.probeLeaseMs > 0
        ? new ProbeLeases({ redis: client, keyPrefix: `${this.options.stateKey}:probe:`, owner: this.id, clock: this.options.clock, leaseMs: this.options.probeLeaseMs, postpone: this.#postpone })
        : undefined;
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
      this.#subscriber.subscribe(this.options.channel).then(async () => {
        this.#subscriber.on('ready', this.#onSubscriberReady); // from now on, a 'ready' is a reconnection
        if (!this.#disposed) this.refresh();
        if (!this.#disposed) await this.reconcile(); // a process starting late learns the current state
        this.#armReconcile();
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
    if (this.#reconcileTimer) this.options.clock.clearTimeout(this.#reconcileTimer);
    this.#probes?.dispose();
    this.#reconcileTimer = undefined;
    this.#publisher.off('ready', this.#onReady);
    for (const { subscription } of this.#watched.values()) subscription.dispose();
    this.#watched.clear();
    this.#subscriber.off('message', this.#onMessage);
    await Promise.allSettled([...this.#pending, this.#reconciling]);
    await closeClient(this.#subscriber);
    if (this.#ownsPublisher) await closeClient(this.#publisher);
  }

  #publish(breaker: CircuitBreakerPolicy, change: CircuitStateChange): void {
    if (this.#applying === breaker || this.#disposed) return;
    if (change.to === CircuitState.Closed) this.#probes?.cancel(breaker.name);
    if (change.to !== CircuitState.Open && change.to !== CircuitState.Closed) return;
    let message: BreakerSyncMessage;
    if (change.to === CircuitState.Open) {
      const s = breaker.snapshot();
      message = { version: 1, from: this.id, name: breaker.name, state: CircuitState.Open, at: s.lastTransitionAt ?? change.at, isolated: s.isolated, halfOpenAt: s.halfOpenAt };
    } else {
      message = { version: 1, from: this.id, name: breaker.name, state: CircuitState.Closed, at: change.at, isolated: false };
    }
    this.#versions.set(breaker.name, message.at);
    this.#write(message);
    this.#probes?.schedule(breaker);
  }

  /** Push a breaker's half-open time back (another process took the probe lease); not shared. */
  readonly #postpone = (breaker: CircuitBreakerPolicy, from: number, to: number): void => {
    if (this.#disposed) return;
    const current = breaker.snapshot();
    if (current.state !== CircuitState.Open || current.halfOpenAt !== from) return;
    this.#applying = breaker;
    try {
      breaker.restore({ ...current, halfOpenAt: to });
    } finally {
      this.#applying = undefined;
    }
  };

  /** Write (and publish) a transition; one that cannot be written is kept for the next reconciliation. */
  #write(message: BreakerSyncMessage): void {
    const name = message.name;
    this.#writing.set(name, (this.#writing.get(name) ?? 0) + 1);
    const sent: Promise<unknown> = this.#state
      .write(message)
      .then((seq) => {
        this.#noteSeq(message.name, seq);
        if (this.#unwritten.get(message.name) === message) this.#unwritten.delete(message.name);
      })
      .catch((err: unknown) => {
        const newer = this.#unwritten.get(message.name);
        if (newer === undefined || newer.at <= message.at) this.#unwritten.set(message.name, message);
        this.#reportOnce(`could not write circuit state of ${message.name} (kept, written when Redis is back)`, err);
      })
      .finally(() => {
        this.#pending.delete(sent);
        const left = (this.#writing.get(name) ?? 1) - 1;
        if (left > 0) this.#writing.set(name, left);
        else this.#writing.delete(name);
      });
    this.#pending.add(sent);
  }

  /**
   * Write the transitions kept while Redis was unreachable, then read every shared breaker's latest
   * transition and apply those newer than what this process has. Runs when the connection is back
   * and every `reconcileIntervalMs`; resolves when done (a failure is reported once per outage).
   */
  reconcile(): Promise<void> {
    this.#reconciling ??= this.#reconcile().finally(() => (this.#reconciling = undefined));
    return this.#reconciling;
  }

  async #reconcile(): Promise<void> {
    if (this.#disposed) return;
    try {
      for (const message of [...this.#unwritten.values()]) {
        this.#noteSeq(message.name, await this.#state.write(message));
        if (this.#unwritten.get(message.name) === message) this.#unwritten.delete(message.name);
      }
      const stored = await this.#state.readAll((name, err) => this.options.onError(`ignoring an invalid shared state of ${name}`, err));
      // the stored transition is the latest one any process wrote: apply it unless this process is in line with it
      for (const message of stored) if (!this.#disposed && this.#behind(message)) this.#receive(message, true);
    } catch (err) {
      this.#reportOnce('could not reconcile shared circuit state', err);
    }
  }

  #armReconcile(): void {
    if (this.#disposed || this.#reconcileTimer) return;
    this.#reconcileTimer = this.options.clock.setBackgroundTimeout(() => {
      this.#reconcileTimer = undefined;
      void this.reconcile().finally(() => this.#armReconcile());
    }, this.options.reconcileIntervalMs);
  }

  readonly #onReady = (): void => {
    this.#outage = false;
    if (this.#started && !this.#disposed) void this.reconcile();
  };

  /**
   * The subscriber is back after losing its connection: what was published meanwhile never reached
   * it, so read the stored state now (after a reconcile in flight, which may have read it before
   * those transitions were written) rather than at the next periodic reconcile.
   */
  readonly #onSubscriberReady = (): void => {
    if (this.#disposed) return;
    void (this.#reconciling ?? Promise.resolve()).then(() => this.reconcile());
  };

  /**
   * Whether this process should take the stored transition `m`: not while it has its own transition
   * of that breaker to write; yes when `m` is one it has not seen (a higher `seq`), is later than
   * the last it applied or made (`at`; Redis may have lost its data and restarted the numbering),
   * or is as recent and the breaker here disagrees with it (half-open agrees with open).
   */
  #behind(m: BreakerSyncMessage): boolean {
    if (this.#unwritten.has(m.name) || this.#writing.has(m.name)) return false;
    if ((m.seq ?? 0) > (this.#seqs.get(m.name) ?? 0)) return true;
    const version = this.#versions.get(m.name);
    if (version === undefined || m.at > version) return true;
    if (m.at < version) return false;
    const breaker = this.#watched.get(m.name)?.breaker;
    if (breaker === undefined) return false;
    const agrees = m.state === CircuitState.Closed ? breaker.state === CircuitState.Closed : breaker.state !== CircuitState.Closed && breaker.isolated === m.isolated;
    return !agrees;
  }

  #noteSeq(name: string, seq: number | undefined): void {
    if (seq !== undefined && seq > (this.#seqs.get(name) ?? 0)) this.#seqs.set(name, seq);
  }

  #reportOnce(message: string, err: unknown): void {
    if (this.#outage) return;
    this.#outage = true;
    this.options.onError(message, redactRedisError(err));
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
    this.#receive(message);
  };

  /**
   * Apply another process's transition to the same-named breaker (created by a manager's source).
   * `stored`: read from the shared state, which holds the latest transition, so it wins over this
   * process's own even when that one's time is later (its clock may be ahead).
   */
  #receive(message: BreakerSyncMessage, stored = false): void {
    if (!this.#watched.has(message.name)) {
      // a registry finds it if it was added since; a manager's source creates it (and reports it)
      const found = this.#source.get(message.name);
      if (found !== undefined && this.#watched.get(message.name)?.breaker !== found) this.watch(found);
    }
    const breaker = this.#watched.get(message.name)?.breaker;
    if (breaker === undefined) return;
    try {
      this.#apply(breaker, message, stored);
    } catch (err) {
      this.options.onError(`could not apply circuit state of ${message.name}`, err);
    }
  }

  #apply(breaker: CircuitBreakerPolicy, m: BreakerSyncMessage, stored: boolean): void {
    const last = this.#versions.get(breaker.name) ?? breaker.stats.lastTransitionAt;
    if (!stored && last !== undefined && m.at < last) return; // a later change here wins
    if (stored && this.#unwritten.has(breaker.name)) return; // this process's own change is written first
    this.#versions.set(breaker.name, m.at);
    this.#noteSeq(breaker.name, m.seq);
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
      this.#probes?.schedule(breaker);
    }
  }

  readonly #onConnectionError = (err: unknown): void => {
    this.#reportOnce('Redis connection error in breaker sync (breakers work locally until it is back)', err);
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
