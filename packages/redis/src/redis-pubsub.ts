import type { Redis } from 'ioredis';
import { redactRedisError } from './redact-redis-error.js';
import { closeClient } from './redis-commands.js';
import { openRedisClient, type RedisConnection } from './redis-connection.js';

/** What a {@link PubSubConnections} tells its owner. */
export interface PubSubHandlers {
  /** A connection failed (the owner reports it once per outage). */
  readonly onConnectionError: (error: unknown) => void;
  /** The publishing connection is ready (again). */
  readonly onReady: () => void;
  readonly onMessage: (channel: string, payload: string) => void;
}

/**
 * The two connections of a sharer: a publisher (the caller's client, or one opened for a URL) for
 * commands and PUBLISH, and a `duplicate()` of it subscribed to one channel. {@link close} removes
 * the listeners and quits what was opened here (the caller's client stays open).
 */
export class PubSubConnections {
  readonly publisher: Redis;
  readonly #subscriber: Redis;
  readonly #owned: boolean;
  readonly #handlers: PubSubHandlers;

  constructor(redis: RedisConnection | undefined, handlers: PubSubHandlers) {
    const { client, owned } = openRedisClient(redis);
    this.publisher = client;
    this.#owned = owned;
    this.#handlers = handlers;
    this.#subscriber = client.duplicate();
    this.#subscriber.on('error', handlers.onConnectionError);
    if (owned) client.on('error', handlers.onConnectionError);
    client.on('ready', handlers.onReady);
    this.#subscriber.on('message', handlers.onMessage);
  }

  /** Subscribe to `channel`; rejects with the Redis error, secrets stripped. */
  async subscribe(channel: string): Promise<void> {
    await this.#subscriber.subscribe(channel).catch((err: unknown) => {
      throw redactRedisError(err);
    });
  }

  async close(): Promise<void> {
    this.#subscriber.off('message', this.#handlers.onMessage);
    this.publisher.off('ready', this.#handlers.onReady);
    await closeClient(this.#subscriber);
    if (this.#owned) await closeClient(this.publisher);
  }
}
