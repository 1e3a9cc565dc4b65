import { randomUUID } from 'node:crypto';
import { ConfigError, ResourceStatus, systemClock, type Clock, type Disposable, type ResilienceManager, type TimerHandle } from '@rampart/core';
import { optionsObject, type OptionKeys } from '@rampart/core/internal';
import type { Redis } from 'ioredis';
import { parseProviderStateMessage, type ProviderStateMessage } from './provider-state-message.js';
import { redactRedisError } from './redact-redis-error.js';
import { PubSubConnections } from './redis-pubsub.js';
import { validateRedisConnection, type RedisConnection } from './redis-connection.js';

/** The manager's public API this module uses (nothing else of it). */
export type ProviderStateSource = Pick<ResilienceManager, 'team' | 'onProviderCooldown' | 'onStatusChange' | 'reportProviderFailure'>;

/** Options of {@link shareProviderState}. */
export interface ShareProviderStateOptions {
  /** An ioredis client (left open; a duplicate subscribes) or a URL (two connections, quit by `dispose()`). Default `redis://127.0.0.1:6379`. */
  redis?: RedisConnection;
  /** The pub/sub channel; the current cooldowns are kept in the hash `${channel}:state`. Default `'rampart:providers'`. */
  channel?: string;
  /**
   * `'team'` (default): share with the replicas of this team (same team name) only. `'provider'`:
   * with every team on the channel that names the same provider (seed 001's cross-team coordination).
   */
  scope?: 'team' | 'provider';
  /**
   * Also share a provider monitor's verdict that the provider is unavailable (`${type}:${provider}`
   * monitors turning `unavailable`): the others skip the provider for `monitorDownCooldownMs`. Default false.
   */
  shareMonitorVerdicts?: boolean;
  /** How long another replica skips a provider its monitor found down, ms. Default 30 000. */
  monitorDownCooldownMs?: number;
  /** How often the stored cooldowns are re-read (also when the connection is back), ms. Default 5 000. */
  reconcileIntervalMs?: number;
  /** Connection errors (once per outage), failed writes, malformed messages; secrets stripped. Default: a process warning. */
  onError?: (message: string, error: unknown) => void;
  /** Wall time and the reconciliation timer. Default: the system clock. */
  clock?: Clock;
}

const KEYS: OptionKeys<ShareProviderStateOptions> = {
  redis: true, channel: true, scope: true, shareMonitorVerdicts: true, monitorDownCooldownMs: true, reconcileIntervalMs: true, onError: true, clock: true,
};

function positiveMs(path: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 10) throw new ConfigError(`shareProviderState.${path}`, 'must be a number of ms, at least 10', v);
  return v;
}

/** Keep the later deadline: write field ARGV[1] = ARGV[2] unless it holds a later `until` (ARGV[3]); publish it on ARGV[4] when written. */
const WRITE_SCRIPT = `local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded['until']) and tonumber(decoded['until']) >= tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 1`;

/**
 * Shares a manager's provider cooldowns (and optionally its provider monitors' down verdicts) with
 * other replicas over Redis: when openai is cooled by a 429 here, the others skip it until the same
 * deadline without calling it. Opt-in; see {@link shareProviderState}.
 */
export class ProviderStateSharing {
  readonly id = randomUUID();
  readonly #manager: ProviderStateSource;
  readonly #channel: string;
  readonly #stateKey: string;
  readonly #scope: 'team' | 'provider';
  readonly #monitorDownMs: number | undefined;
  readonly #reconcileMs: number;
  readonly #onError: (message: string, error: unknown) => void;
  readonly #clock: Clock;
  readonly #connections: PubSubConnections;
  readonly #publisher: Redis;
  readonly #subscriptions: Disposable[] = [];
  /** Per `${resource}\0${provider}`, the latest deadline known here (epoch ms): a shorter one is not applied or published. */
  readonly #until = new Map<string, number>();
  /** Messages not written yet (Redis unreachable), per field. */
  readonly #unwritten = new Map<string, ProviderStateMessage>();
  readonly #pending = new Set<Promise<unknown>>();
  #applying = false;
  #outage = false;
  #timer: TimerHandle | undefined;
  #disposed = false;

  constructor(manager: ProviderStateSource, options: ShareProviderStateOptions = {}) {
    if (typeof manager?.onProviderCooldown !== 'function' || typeof manager.reportProviderFailure !== 'function') {
      throw new ConfigError('shareProviderState.manager', 'must be a ResilienceManager', typeof manager);
    }
    optionsObject('shareProviderState', options, KEYS);
    validateRedisConnection('shareProviderState.redis', options.redis);
    const channel = options.channel ?? 'rampart:providers';
    if (typeof channel !== 'string' || channel.length === 0) throw new ConfigError('shareProviderState.channel', 'must be a non-empty string', channel);
    const scope = options.scope ?? 'team';
    if (scope !== 'team' && scope !== 'provider') throw new ConfigError('shareProviderState.scope', "must be 'team' or 'provider'", scope);
    if (options.onError !== undefined && typeof options.onError !== 'function') throw new ConfigError('shareProviderState.onError', 'must be a function', options.onError);
    this.#manager = manager;
    this.#channel = channel;
    this.#stateKey = `${channel}:state`;
    this.#scope = scope;
    this.#monitorDownMs = options.shareMonitorVerdicts === true ? positiveMs('monitorDownCooldownMs', options.monitorDownCooldownMs, 30_000) : undefined;
    this.#reconcileMs = positiveMs('reconcileIntervalMs', options.reconcileIntervalMs, 5_000);
    this.#onError = options.onError ?? ((m, e) => process.emitWarning(`${m}: ${e instanceof Error ? e.message : String(e)}`, 'RampartWarning'));
    this.#clock = options.clock ?? systemClock;
    this.#connections = new PubSubConnections(options.redis, { onConnectionError: this.#onConnectionError, onReady: this.#onReady, onMessage: this.#onMessage });
    this.#publisher = this.#connections.publisher;
  }

  /** Subscribe, apply the cooldowns stored by others, and start sharing this manager's; resolves once subscribed. */
  async start(): Promise<void> {
    await this.#connections.subscribe(this.#channel);
    this.#subscriptions.push(this.#manager.onProviderCooldown((e) => {
      // a cooldown this sharer applied from another replica is not shared again
      if (e.operation === undefined && e.origin !== 'shared') this.#share(e.resource, e.provider, e.until, 'cooldown');
    }));
    const downMs = this.#monitorDownMs;
    if (downMs !== undefined) {
      this.#subscriptions.push(this.#manager.onStatusChange((c) => {
        const prefix = `${c.resourceType}:`;
        if (c.to === ResourceStatus.UNAVAILABLE && c.key.startsWith(prefix)) this.#share(c.resourceType, c.key.slice(prefix.length), this.#clock.wallNow() + downMs, 'monitor_down');
      }));
    }
    await this.reconcile();
    this.#arm();
  }

  /** Write what could not be written, then read the stored cooldowns and apply the later ones. */
  async reconcile(): Promise<void> {
    if (this.#disposed) return;
    try {
      for (const [field, m] of [...this.#unwritten]) {
        await this.#write(field, m);
        if (this.#unwritten.get(field) === m) this.#unwritten.delete(field);
      }
      const now = this.#clock.wallNow();
      for (const [field, payload] of Object.entries(await this.#publisher.hgetall(this.#stateKey))) {
        let m: ProviderStateMessage;
        try {
          m = parseProviderStateMessage(payload);
        } catch (err) {
          this.#onError(`ignoring an invalid shared provider state ${field}`, err);
          continue;
        }
        if (m.until <= now) await this.#publisher.hdel(this.#stateKey, field); // expired: prune (a newer one would have been kept instead)
        else this.#apply(m);
      }
    } catch (err) {
      this.#reportOnce('could not reconcile shared provider state', err);
    }
  }

  /** Stop sharing; quits the connections it opened. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    for (const s of this.#subscriptions.splice(0)) s.dispose();
    await Promise.allSettled([...this.#pending]);
    await this.#connections.close();
  }

  #share(resource: string, provider: string, until: number, reason: ProviderStateMessage['reason']): void {
    if (this.#applying || this.#disposed) return;
    const key = `${resource}\u0000${provider}`;
    if (until <= (this.#until.get(key) ?? 0)) return; // not later than what is known: nothing new to tell
    this.#until.set(key, until);
    const m: ProviderStateMessage = { version: 1, from: this.id, team: this.#manager.team, resource, provider, until, reason };
    const field = this.#field(m);
    const sent: Promise<unknown> = this.#write(field, m)
      .then(() => {
        if (this.#unwritten.get(field) === m) this.#unwritten.delete(field);
      })
      .catch((err: unknown) => {
        const kept = this.#unwritten.get(field);
        if (!kept || kept.until < m.until) this.#unwritten.set(field, m);
        this.#reportOnce(`could not share the cooldown of ${provider} (kept, written when Redis is back)`, err);
      })
      .finally(() => this.#pending.delete(sent));
    this.#pending.add(sent);
  }

  #write(field: string, m: ProviderStateMessage): Promise<unknown> {
    return this.#publisher.eval(WRITE_SCRIPT, 1, this.#stateKey, field, JSON.stringify(m), String(m.until), this.#channel);
  }

  #field(m: ProviderStateMessage): string {
    return this.#scope === 'team' ? `${m.team}\u0000${m.resource}\u0000${m.provider}` : `${m.resource}\u0000${m.provider}`;
  }

  /** Cool the provider here until `m.until` when that is later than what is known here. */
  #apply(m: ProviderStateMessage): void {
    if (this.#disposed || m.from === this.id) return;
    if (this.#scope === 'team' && m.team !== this.#manager.team) return;
    const key = `${m.resource}\u0000${m.provider}`;
    const cooldownMs = m.until - this.#clock.wallNow();
    if (cooldownMs <= 0 || m.until <= (this.#until.get(key) ?? 0)) return;
    this.#until.set(key, m.until);
    this.#applying = true;
    try {
      this.#manager.reportProviderFailure(m.resource, m.provider, { cooldownMs, origin: 'shared' });
    } catch (err) {
      this.#onError(`could not apply the shared cooldown of ${m.provider}`, err); // e.g. a resource type this team does not have
    } finally {
      this.#applying = false;
    }
  }

  readonly #onMessage = (channel: string, payload: string): void => {
    if (channel !== this.#channel || this.#disposed) return;
    try {
      this.#apply(parseProviderStateMessage(payload));
    } catch (err) {
      this.#onError(`ignoring a malformed message on ${channel}`, err);
    }
  };

  #arm(): void {
    if (this.#disposed || this.#timer) return;
    this.#timer = this.#clock.setBackgroundTimeout(() => {
      this.#timer = undefined;
      void this.reconcile().finally(() => this.#arm());
    }, this.#reconcileMs);
  }

  readonly #onReady = (): void => {
    this.#outage = false;
    if (!this.#disposed) void this.reconcile();
  };

  readonly #onConnectionError = (err: unknown): void => this.#reportOnce('Redis connection error in provider state sharing (providers work locally until it is back)', err);

  #reportOnce(message: string, err: unknown): void {
    if (this.#outage) return;
    this.#outage = true;
    this.#onError(message, redactRedisError(err));
  }
}

/**
 * Share `manager`'s provider cooldowns with the other replicas of its team (or, with
 * `scope: 'provider'`, every team naming the same provider) over Redis. A cooldown in one replica
 * (a 429's retry-after, a failure, optionally a monitor's down verdict) is published and kept in a
 * hash; the others cool the same provider until the same deadline through the manager's public
 * `reportProviderFailure`, so they skip it without calling it. A later deadline always wins (in
 * Redis and in each replica). The hot path makes no Redis call: each call reads the manager's local
 * state, which messages keep current; staleness is the pub/sub delivery time, and after a missed
 * message or an outage at most `reconcileIntervalMs` (5 s) after Redis is back. Resolves once subscribed.
 */
export async function shareProviderState(manager: ProviderStateSource, options: ShareProviderStateOptions = {}): Promise<ProviderStateSharing> {
  const sharing = new ProviderStateSharing(manager, options);
  try {
    await sharing.start();
  } catch (err) {
    await sharing.dispose();
    throw err;
  }
  return sharing;
}
