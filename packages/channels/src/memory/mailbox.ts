import type { MessageHandler } from '../channel.js';
import type { ChannelMessage } from '../message.js';

/**
 * One team's queue on an {@link InMemoryBus}: a FIFO lane per priority, drained highest priority
 * first. Delivery is asynchronous (a microtask after the first enqueue), so a handler never runs
 * inside `send`. Each handler call is started in order; a slow handler does not hold back the next
 * message (a handler awaiting a reply over the same channel must not deadlock).
 */
export class Mailbox {
  readonly team: string;
  /** Lane `i` holds priority `4 - i`: lane 0 is CRITICAL. */
  readonly #lanes: ChannelMessage[][] = [[], [], [], []];
  readonly #maxQueued: number;
  readonly #onHandlerError: (message: ChannelMessage, error: unknown) => void;
  #size = 0;
  #handler: MessageHandler | undefined;
  #scheduled = false;

  constructor(team: string, maxQueued: number, onHandlerError: (message: ChannelMessage, error: unknown) => void) {
    this.team = team;
    this.#maxQueued = maxQueued;
    this.#onHandlerError = onHandlerError;
  }

  /** Messages waiting to be handed to the handler. */
  get depth(): number {
    return this.#size;
  }

  get receiving(): boolean {
    return this.#handler !== undefined;
  }

  /** Queue `message`; false when the mailbox is full. */
  enqueue(message: ChannelMessage): boolean {
    if (this.#size >= this.#maxQueued) return false;
    this.#lanes[4 - message.priority]!.push(message);
    this.#size++;
    this.#schedule();
    return true;
  }

  setHandler(handler: MessageHandler | undefined): void {
    this.#handler = handler;
    this.#schedule();
  }

  /** Hand every queued message to the handler now, in order (used by `close()`). */
  drain(): void {
    const handler = this.#handler;
    while (handler !== undefined && this.#size > 0) {
      const lane = this.#lanes.find((l) => l.length > 0)!;
      const message = lane.shift()!;
      this.#size--;
      this.#deliver(handler, message);
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#handler === undefined || this.#size === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.drain();
    });
  }

  #deliver(handler: MessageHandler, message: ChannelMessage): void {
    try {
      const result = handler(message);
      if (result !== undefined && typeof (result as PromiseLike<void>).then === 'function') {
        (result as Promise<void>).then(undefined, (error: unknown) => this.#onHandlerError(message, error));
      }
    } catch (error) {
      this.#onHandlerError(message, error);
    }
  }
}
