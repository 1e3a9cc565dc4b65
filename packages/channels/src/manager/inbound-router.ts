import { ConfigError, EventEmitter, type Clock, type Disposable } from '@rampart/core';
import { redactString } from '@rampart/core/internal';
import { LRUCache } from 'lru-cache';
import { createMessage, type ChannelMessage } from '../message.js';
import type { HandlerFailure, UndeliverableMessage, UnhandledMessage } from './team-channels-events.js';
import type { ErrorReplyPayload, PendingRequests } from './pending-requests.js';

/**
 * Handles one message type. What it returns (if not undefined), or null for a request, is sent
 * back as the reply's payload; a throw becomes an error reply to a request.
 */
export type TeamMessageHandler = (message: ChannelMessage) => unknown;

export interface InboundEvents {
  undeliverable: EventEmitter<UndeliverableMessage>;
  unhandled: EventEmitter<UnhandledMessage>;
  handlerError: EventEmitter<HandlerFailure>;
}

interface RouterDeps {
  team: string;
  clock: Clock;
  dedupeSize: number;
  pending: PendingRequests;
  events: InboundEvents;
  /** Send a reply over the failover path (queued if no channel takes it). */
  reply: (message: ChannelMessage) => Promise<unknown>;
  /** Handlers answering when the user registered none for their type (`rampart.status`). */
  builtins: ReadonlyMap<string, TeamMessageHandler>;
}

/**
 * What happens to a message delivered by any channel: duplicates (by id) are dropped, expired
 * messages reported, replies settle their request, the rest go to the handler of their type.
 */
export class InboundRouter {
  readonly #deps: RouterDeps;
  readonly #seen: LRUCache<string, true>;
  readonly #handlers = new Map<string, TeamMessageHandler>();
  duplicatesDropped = 0;

  constructor(deps: RouterDeps) {
    this.#deps = deps;
    this.#seen = new LRUCache<string, true>({ max: deps.dedupeSize });
  }

  handle(type: string, handler: TeamMessageHandler): Disposable {
    if (typeof handler !== 'function') throw new ConfigError(`handle("${type}").handler`, 'must be a function', typeof handler);
    if (this.#handlers.has(type)) throw new ConfigError(`handle("${type}")`, 'this message type already has a handler; dispose it first', type);
    this.#handlers.set(type, handler);
    return {
      dispose: () => {
        if (this.#handlers.get(type) === handler) this.#handlers.delete(type);
      },
    };
  }

  /** Route one delivered message. Never rejects: every outcome is an event. */
  async receive(message: ChannelMessage): Promise<void> {
    const { team, events, clock } = this.#deps;
    if (this.#seen.has(message.id)) {
      this.duplicatesDropped++;
      return;
    }
    this.#seen.set(message.id, true);
    if (message.expiresAt !== undefined && message.expiresAt < clock.wallNow()) {
      events.undeliverable.fire({ team, message, reason: 'expired', where: 'inbound' });
      return;
    }
    if (message.replyTo !== undefined) {
      if (!this.#deps.pending.settle(message)) events.unhandled.fire({ team, message, reason: 'orphan_reply' });
      return;
    }
    const handler = this.#handlers.get(message.type) ?? this.#deps.builtins.get(message.type);
    if (handler === undefined) {
      events.unhandled.fire({ team, message, reason: 'no_handler' });
      if (message.replyExpected === true) {
        await this.#send(message, `${message.type}.error`, { name: 'NoHandler', message: `team "${team}" has no handler for "${message.type}"` });
      }
      return;
    }
    let result: unknown;
    try {
      result = await handler(message);
    } catch (error) {
      const replied = message.replyExpected === true && (await this.#send(message, `${message.type}.error`, errorPayload(error), false));
      events.handlerError.fire({ team, message, error, replied });
      return;
    }
    if (result !== undefined || message.replyExpected === true) await this.#send(message, `${message.type}.reply`, result ?? null);
  }

  /** Send a reply (or queue it); on failure report it unless the caller reports, and return false. */
  async #send(request: ChannelMessage, type: string, payload: unknown, report = true): Promise<boolean> {
    const { team, clock, events } = this.#deps;
    try {
      const now = clock.wallNow();
      const ttlMs = request.expiresAt === undefined ? undefined : Math.max(1, request.expiresAt - now);
      const reply = createMessage(
        { sender: team, recipient: request.sender, type, payload, priority: request.priority, replyTo: request.id, ...(ttlMs === undefined ? {} : { ttlMs }) },
        now,
      );
      await this.#deps.reply(reply);
      return true;
    } catch (error) {
      if (report) events.handlerError.fire({ team, message: request, error, replied: false });
      return false;
    }
  }
}

function errorPayload(error: unknown): ErrorReplyPayload {
  if (error instanceof Error) return { name: error.name, message: redactString(error.message) };
  return { name: 'Error', message: redactString(String(error)) };
}
