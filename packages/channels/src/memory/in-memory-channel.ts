import { ConfigError, EventEmitter, type Disposable, type Event } from '@rampart/core';
import { optionsObject, positiveInt, type OptionKeys } from '@rampart/core/internal';
import type { Channel, ChannelHealth, MessageHandler } from '../channel.js';
import type { ChannelHandlerError } from '../channel-handler-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { RecipientUnavailableError } from '../errors/recipient-unavailable-error.js';
import type { ChannelMessage } from '../message.js';
import { wireCopy } from '../parse-message.js';
import { teamOption } from '../validate-options.js';
import { InMemoryBus } from './in-memory-bus.js';
import { Mailbox } from './mailbox.js';

export interface InMemoryChannelOptions {
  /** The local team this channel receives for. */
  team: string;
  /** Default {@link InMemoryBus.default} (process-wide). */
  bus?: InMemoryBus;
  /** Messages a recipient may have waiting before `send` rejects (`queue_full`). Default 10 000. */
  maxQueued?: number;
}

/** Every option of {@link InMemoryChannelOptions}: any other key is a ConfigError. */
const IN_MEMORY_CHANNEL_KEYS: OptionKeys<InMemoryChannelOptions> = { team: true, bus: true, maxQueued: true };

/**
 * The fastest channel, within one process (seed 000's InMemoryProtocol). `send` puts a copy of the
 * message (as JSON would carry it) in the recipient's mailbox on the same bus; the recipient's
 * handler gets it asynchronously, highest priority first, then in send order.
 *
 * A recipient without an open channel (not started, closed, or no handler) is not waited for:
 * `send` rejects with {@link RecipientUnavailableError}, so `TeamChannels` fails over to a durable
 * channel instead of holding the message in memory, where a crash would lose it. `close()` hands
 * messages still queued to the handler before it returns, so nothing accepted is dropped.
 */
export class InMemoryChannel implements Channel {
  readonly kind = 'memory' as const;
  readonly team: string;
  readonly bus: InMemoryBus;
  readonly #maxQueued: number;
  readonly #handlerErrors = new EventEmitter<ChannelHandlerError>();
  #mailbox: Mailbox | undefined;
  #handler: MessageHandler | undefined;

  constructor(options: InMemoryChannelOptions) {
    const o = optionsObject('InMemoryChannel', options, IN_MEMORY_CHANNEL_KEYS);
    this.team = teamOption('InMemoryChannel.team', o.team);
    if (o.bus !== undefined && !(o.bus instanceof InMemoryBus)) {
      throw new ConfigError('InMemoryChannel.bus', 'must be an InMemoryBus', typeof o.bus);
    }
    this.bus = o.bus ?? InMemoryBus.default;
    this.#maxQueued = positiveInt('InMemoryChannel.maxQueued', o.maxQueued ?? 10_000);
  }

  /** Fires when the handler throws or rejects for a message. */
  get onHandlerError(): Event<ChannelHandlerError> {
    return this.#handlerErrors.event;
  }

  get started(): boolean {
    return this.#mailbox !== undefined;
  }

  /** Open this team's mailbox on the bus. Rejects with a ConfigError if the team already has one open there. */
  async start(): Promise<void> {
    if (this.#mailbox !== undefined) return;
    const mailbox = new Mailbox(this.team, this.#maxQueued, (message, error) =>
      this.#handlerErrors.fire({ kind: this.kind, team: this.team, message, error }),
    );
    mailbox.setHandler(this.#handler);
    this.bus.attach(mailbox);
    this.#mailbox = mailbox;
  }

  async send(message: ChannelMessage, options?: { signal?: AbortSignal }): Promise<void> {
    if (this.#mailbox === undefined) throw new ChannelClosedError(this.kind, this.team);
    options?.signal?.throwIfAborted();
    const copy = wireCopy(message);
    const target = this.bus.mailbox(copy.recipient);
    if (target === undefined || !target.receiving) throw new RecipientUnavailableError(this.kind, copy.recipient, 'not_open');
    if (!target.enqueue(copy)) throw new RecipientUnavailableError(this.kind, copy.recipient, 'queue_full');
  }

  /** One handler per channel; a second registration throws a ConfigError. */
  onMessage(handler: MessageHandler): Disposable {
    if (typeof handler !== 'function') throw new ConfigError('InMemoryChannel.onMessage', 'must be a function', typeof handler);
    if (this.#handler !== undefined) {
      throw new ConfigError('InMemoryChannel.onMessage', `the memory channel of team "${this.team}" already has a handler`, this.team);
    }
    this.#handler = handler;
    this.#mailbox?.setHandler(handler);
    return {
      dispose: () => {
        if (this.#handler !== handler) return;
        this.#mailbox?.drain(); // what was accepted while it listened still reaches it
        this.#handler = undefined;
        this.#mailbox?.setHandler(undefined);
      },
    };
  }

  async healthCheck(): Promise<ChannelHealth> {
    const mailbox = this.#mailbox;
    if (mailbox === undefined) return { healthy: false, latencyMs: 0, error: 'not started' };
    return { healthy: true, latencyMs: 0, details: { queued: mailbox.depth, receiving: mailbox.receiving, teamsOnBus: this.bus.teams().length } };
  }

  /** Leave the bus; messages already queued are handed to the handler first. */
  async close(): Promise<void> {
    const mailbox = this.#mailbox;
    if (mailbox === undefined) return;
    this.#mailbox = undefined;
    this.bus.detach(mailbox);
    mailbox.drain();
  }
}
