import type { MessageHandler } from '../channel.js';
import type { ChannelMessage } from '../message.js';

/**
 * Messages an HTTP channel has accepted (answered 202), handed to its handler one at a time in
 * arrival order: the next message's handler call starts when the previous one settles. A handler
 * that throws goes to `onHandlerError`, and delivery goes on. Messages accepted before the handler
 * is released still reach it.
 */
export class DeliveryQueue {
  readonly #onHandlerError: (message: ChannelMessage, error: unknown) => void;
  readonly #items: ChannelMessage[] = [];
  /** The handler that takes queued messages (kept after release until the queue is empty). */
  #handler: MessageHandler | undefined;
  #accepting = false;
  #running: Promise<void> | undefined;

  constructor(onHandlerError: (message: ChannelMessage, error: unknown) => void) {
    this.#onHandlerError = onHandlerError;
  }

  /** Messages accepted and not yet handed to the handler. */
  get size(): number {
    return this.#items.length;
  }

  /** True while a handler is registered and not released: new messages may be accepted. */
  get accepting(): boolean {
    return this.#accepting;
  }

  setHandler(handler: MessageHandler): void {
    this.#handler = handler;
    this.#accepting = true;
    this.#kick();
  }

  /** Accept no more messages for `handler`; those already queued are still handed to it. */
  release(handler: MessageHandler): void {
    if (this.#handler !== handler || !this.#accepting) return;
    this.#accepting = false;
    if (this.#items.length === 0 && this.#running === undefined) this.#handler = undefined;
  }

  /** Queue a message; its handler call starts now when nothing is ahead of it. */
  push(message: ChannelMessage): void {
    this.#items.push(message);
    this.#kick();
  }

  /** Resolves once every queued message has been handed over and its handler call has settled. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    if (this.#running !== undefined || this.#items.length === 0 || this.#handler === undefined) return;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      if (!this.#accepting && this.#items.length === 0) this.#handler = undefined;
      this.#kick(); // a message may have arrived as the loop ended
    });
  }

  async #loop(): Promise<void> {
    for (let message = this.#items.shift(); message !== undefined; message = this.#items.shift()) {
      const handler = this.#handler;
      if (handler === undefined) {
        this.#items.unshift(message);
        return;
      }
      try {
        await handler(message);
      } catch (error) {
        this.#onHandlerError(message, error);
      }
    }
  }
}
