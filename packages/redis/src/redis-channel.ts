import { randomUUID } from 'node:crypto';
import { ConfigError, EventEmitter, runWithDeadline, type Disposable, type Event } from '@rampart/core';
import { redactString } from '@rampart/core/internal';
import {
  ChannelClosedError,
  channelMessageSchema,
  wireCopy,
  type Channel,
  type ChannelHandlerError,
  type ChannelHealth,
  type ChannelMessage,
  type MessageHandler,
} from '@rampart/channels';
import type { Redis } from 'ioredis';
import { redisChannelKeys, type RedisChannelKeys } from './redis-channel-keys.js';
import { resolveRedisChannelOptions, type RedisChannelOptions, type ResolvedRedisChannelOptions } from './redis-channel-options.js';
import { closeClient, execOrThrow, parseJsonOrUndefined as safeJson } from './redis-commands.js';
import { redactRedisError, throwRedacted } from './redact-redis-error.js';
import { addToInbox, reclaimProcessing, takeFromInbox } from './redis-inbox.js';
import { openRedisClient, redactRedisUrl } from './redis-connection.js';
import { readStatusTeams, readTeamStatus, type RedisTeamStatus } from './redis-team-status.js';

/** A background failure of a {@link RedisChannel} (the caller of no method sees it). */
export interface RedisChannelError {
  team: string;
  /** `connection`: a connection error; `receive`: reading the inbox; `heartbeat`: writing the status; `malformed`: an inbox entry that is not a message for this team (dropped). */
  operation: 'connection' | 'receive' | 'heartbeat' | 'malformed';
  error: unknown;
}

/** Keep status hashes of teams that stopped for a day, then let Redis drop them. */
const STATUS_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A channel over Redis (seed 004): each team's inbox is a sorted set of message ids (highest
 * priority first, then oldest) with the bodies in a hash; `send` adds to the recipient's inbox and
 * publishes its id on the recipient's notify channel in one MULTI. The receiver wakes on the
 * notification (and polls every `pollIntervalMs` as a safety net), takes one message at a time
 * atomically into a processing hash (a Lua script), hands it to the handler and then deletes it.
 * A message taken by a process that died before its handler settled is put back at the next
 * `start()` for the team, so delivery is at least once. One receiving process per team.
 *
 * The receiver writes a status hash (online, lastSeen) every `heartbeatIntervalMs`;
 * {@link onlineTeams} and {@link getTeamStatus} read them.
 */
export class RedisChannel implements Channel {
  readonly kind = 'redis' as const;
  readonly options: ResolvedRedisChannelOptions;
  /** This channel's id in its status hash. */
  readonly instance = randomUUID();
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #url: string | undefined;
  readonly #keys: RedisChannelKeys;
  readonly #handlerErrors = new EventEmitter<ChannelHandlerError>();
  readonly #errors = new EventEmitter<RedisChannelError>();
  #subscriber: Redis | undefined;
  #handler: MessageHandler | undefined;
  #started: Promise<void> | undefined;
  #receiving = false;
  /** The status hash says online (written by start), so close() writes offline. */
  #online = false;
  #closed: Promise<void> | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #heartbeatTimer: unknown;
  #pollTimer: unknown;

  constructor(options: RedisChannelOptions) {
    this.options = resolveRedisChannelOptions(options);
    const { client, owned } = openRedisClient(options.redis);
    this.#redis = client;
    this.#owned = owned;
    this.#url = typeof options.redis === 'string' ? redactRedisUrl(options.redis) : undefined;
    this.#keys = redisChannelKeys(this.options.keyPrefix, this.options.team);
    if (owned) client.on('error', this.#onConnectionError);
  }

  get team(): string {
    return this.options.team;
  }

  /** Fires when the handler throws or rejects for a message (the message is not redelivered). */
  get onHandlerError(): Event<ChannelHandlerError> {
    return this.#handlerErrors.event;
  }

  /** Fires on background failures: connection errors, inbox reads, heartbeats, malformed entries. */
  get onError(): Event<RedisChannelError> {
    return this.#errors.event;
  }

  /**
   * Subscribe to this team's notify channel, put back messages a previous receiver took and did not
   * finish, mark the team online, and start receiving. Idempotent; rejects with a TimeoutError when
   * Redis does not answer within `timeoutMs` (it may be retried), and after `close()`.
   */
  start(): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(new ChannelClosedError(this.kind, this.team));
    this.#started ??= runWithDeadline(this.options.clock, this.options.timeoutMs, undefined, (signal) => this.#open(signal)).then(
      () => {
        if (this.#closed !== undefined) return;
        this.#receiving = true;
        this.#scheduleHeartbeat();
        this.#schedulePoll();
        this.#kick();
      },
      async (error: unknown) => {
        this.#started = undefined;
        const subscriber = this.#subscriber;
        this.#subscriber = undefined;
        if (subscriber !== undefined) await closeClient(subscriber);
        throw redactRedisError(error);
      },
    );
    return this.#started;
  }

  /** Each step checks `signal`: after a timeout, the rest of a slow start does not run. */
  async #open(signal: AbortSignal): Promise<void> {
    const subscriber = this.#redis.duplicate();
    this.#subscriber = subscriber;
    subscriber.on('error', this.#onConnectionError);
    subscriber.on('message', this.#onNotify);
    await subscriber.subscribe(this.#keys.notify);
    signal.throwIfAborted();
    await reclaimProcessing(this.#redis, this.#keys, (error) => this.#errors.fire({ team: this.team, operation: 'malformed', error }));
    signal.throwIfAborted();
    await this.#heartbeat();
    this.#online = true;
  }

  /** Register the handler (one per channel; a second throws a ConfigError). Messages wait in Redis while there is none. */
  onMessage(handler: MessageHandler): Disposable {
    if (typeof handler !== 'function') throw new ConfigError('redisChannel.onMessage', 'must be a function', typeof handler);
    if (this.#handler !== undefined) throw new ConfigError('redisChannel.onMessage', `the redis channel of team "${this.team}" already has a handler`, this.team);
    this.#handler = handler;
    this.#kick();
    return {
      dispose: () => {
        if (this.#handler === handler) this.#handler = undefined;
      },
    };
  }

  /**
   * Add a validated copy of `message` to its recipient's inbox and notify the recipient (one
   * MULTI). Resolves once Redis holds it; rejects with ChannelClosedError (not started, or closed),
   * InvalidMessageError, a TimeoutError after `timeoutMs`, the Redis error, or the reason of `signal`.
   */
  async send(message: ChannelMessage, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (!this.#receiving || this.#closed !== undefined) throw new ChannelClosedError(this.kind, this.team);
    const copy = wireCopy(message);
    await runWithDeadline(this.options.clock, this.options.timeoutMs, options.signal, () => addToInbox(this.#redis, this.options.keyPrefix, copy)).catch(throwRedacted);
  }

  /** Wake the receive loop: now, or after the running pass (a notification may have come during it). */
  #kick(): void {
    if (!this.#receiving || this.#handler === undefined) return;
    if (this.#draining !== undefined) {
      this.#again = true;
      return;
    }
    this.#again = false;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#again) this.#kick();
    });
  }

  /** Take and handle messages one at a time until the inbox is empty, the handler is gone, or the channel closes. */
  async #drain(): Promise<void> {
    for (let handler = this.#handler; this.#receiving && handler !== undefined; handler = this.#handler) {
      let body: string | null;
      try {
        body = await takeFromInbox(this.#redis, this.#keys);
      } catch (error) {
        this.#errors.fire({ team: this.team, operation: 'receive', error: redactRedisError(error) });
        return; // the next notification or poll tries again
      }
      if (body === null) return;
      await this.#deliver(body, handler); // taken for this handler: it gets it even if disposed meanwhile
    }
  }

  async #deliver(body: string, handler: MessageHandler): Promise<void> {
    const parsed = channelMessageSchema.safeParse(safeJson(body));
    const message = parsed.success ? parsed.data : undefined;
    if (message === undefined || message.recipient !== this.team) {
      const error = parsed.success ? new Error(`inbox of team ${this.team} held a message for ${parsed.data.recipient}`) : parsed.error;
      this.#errors.fire({ team: this.team, operation: 'malformed', error });
    } else {
      try {
        await handler(message);
      } catch (error) {
        this.#handlerErrors.fire({ kind: this.kind, team: this.team, message, error });
      }
    }
    const id = message?.id ?? (safeJson(body) as { id?: unknown } | undefined)?.id;
    await this.#ack(typeof id === 'string' ? id : undefined);
  }

  /** Forget a handled message (or, for an unreadable entry without an id, leave it for inspection). */
  async #ack(id: string | undefined): Promise<void> {
    if (id === undefined) return;
    try {
      await this.#redis.hdel(this.#keys.processing, id);
    } catch (error) {
      this.#errors.fire({ team: this.team, operation: 'receive', error: redactRedisError(error) });
    }
  }

  readonly #onNotify = (channel: string): void => {
    if (channel === this.#keys.notify) this.#kick();
  };

  readonly #onConnectionError = (error: unknown): void => {
    this.#errors.fire({ team: this.team, operation: 'connection', error: redactRedisError(error) });
  };

  #heartbeat(status: 'online' | 'offline' = 'online'): Promise<void> {
    const fields = { status, lastSeen: String(this.options.clock.wallNow()), heartbeatIntervalMs: String(this.options.heartbeatIntervalMs), instance: this.instance };
    return execOrThrow(this.#redis.multi().hset(this.#keys.status, fields).pexpire(this.#keys.status, STATUS_TTL_MS));
  }

  #scheduleHeartbeat(): void {
    const { clock, heartbeatIntervalMs } = this.options;
    this.#heartbeatTimer = clock.setBackgroundTimeout(() => {
      this.#heartbeatTimer = undefined;
      if (!this.#receiving) return;
      this.#heartbeat()
        .catch((error: unknown) => {
          if (this.#receiving) this.#errors.fire({ team: this.team, operation: 'heartbeat', error: redactRedisError(error) });
        })
        .finally(() => {
          if (this.#receiving) this.#scheduleHeartbeat();
        });
    }, heartbeatIntervalMs);
  }

  /** A foreground timer: a started receiver keeps the process alive until close(), as a listening socket does. */
  #schedulePoll(): void {
    this.#pollTimer = this.options.clock.setTimeout(() => {
      this.#pollTimer = undefined;
      if (!this.#receiving) return;
      this.#kick();
      this.#schedulePoll();
    }, this.options.pollIntervalMs);
  }

  /** The status hash of `team`'s receiver, or undefined when it has none (never started, or gone a day). */
  getTeamStatus(team: string): Promise<RedisTeamStatus | undefined> {
    return readTeamStatus(this.#redis, this.options.keyPrefix, team, this.options.clock.wallNow()).catch(throwRedacted);
  }

  /** Teams whose receiver is online (status online, heartbeat fresh), sorted. Walks the status keys with SCAN. */
  async onlineTeams(): Promise<string[]> {
    const teams = await readStatusTeams(this.#redis, this.options.keyPrefix).catch(throwRedacted);
    const statuses = await Promise.all(teams.map((t) => this.getTeamStatus(t)));
    return statuses.flatMap((s) => (s?.online === true ? [s.team] : []));
  }

  /** PING round trip, inbox depth and messages being handled; healthy when started, answering and subscribed. */
  async healthCheck(signal?: AbortSignal): Promise<ChannelHealth> {
    const details: Record<string, unknown> = { team: this.team, keyPrefix: this.options.keyPrefix, ...(this.#url === undefined ? {} : { url: this.#url }) };
    if (this.#closed !== undefined) return { healthy: false, error: 'closed', details };
    if (!this.#receiving) return { healthy: false, error: 'not started', details };
    const { clock } = this.options;
    const started = clock.now();
    try {
      const [pong, inboxDepth, processing] = await runWithDeadline(clock, this.options.timeoutMs, signal, () =>
        Promise.all([this.#redis.ping(), this.#redis.zcard(this.#keys.inbox), this.#redis.hlen(this.#keys.processing)]),
      );
      const latencyMs = clock.now() - started;
      const subscribed = this.#subscriber?.status === 'ready';
      Object.assign(details, { inboxDepth, processing, subscribed });
      if (pong !== 'PONG' || !subscribed) return { healthy: false, latencyMs, error: subscribed ? `PING answered ${pong}` : 'not subscribed', details };
      return { healthy: true, latencyMs, details };
    } catch (error) {
      return { healthy: false, error: redactString(error instanceof Error ? error.message : String(error)), details };
    }
  }

  /**
   * Stop receiving and clear the timers, wait for the handler call in progress (its message is then
   * deleted), mark the team offline, and quit the connections this channel opened (a client passed
   * in `redis` stays open). Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#receiving = false;
    const { clock } = this.options;
    clock.clearTimeout(this.#heartbeatTimer);
    clock.clearTimeout(this.#pollTimer);
    await this.#started?.catch(() => undefined);
    await this.#draining;
    if (this.#online) {
      await runWithDeadline(clock, this.options.timeoutMs, undefined, () => this.#heartbeat('offline')).catch((error: unknown) =>
        this.#errors.fire({ team: this.team, operation: 'heartbeat', error: redactRedisError(error) }),
      );
    }
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber !== undefined) await closeClient(subscriber);
    if (this.#owned) await closeClient(this.#redis);
  }
}
