import { deadline, type Clock, type Deadline } from '@rampart/core';
import { RemoteHandlerError } from '../errors/remote-handler-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import type { ChannelMessage } from '../message.js';

interface Pending {
  recipient: string;
  type: string;
  resolve: (payload: unknown) => void;
  reject: (error: unknown) => void;
}

/** The payload of an error reply (`<type>.error`). */
export interface ErrorReplyPayload {
  name: string;
  message: string;
}

/** Requests waiting for their reply, each with a timeout on the clock and the caller's signal. */
export class PendingRequests {
  readonly #clock: Clock;
  readonly #pending = new Map<string, Pending>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Wait for the reply to message `id`; registered before it is sent, so an early reply is not missed. */
  wait(id: string, recipient: string, type: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      let limit: Deadline | undefined;
      const onAbort = () => settle(() => reject(signal!.reason));
      const settle = (finish: () => void) => {
        if (this.#pending.get(id) !== entry) return;
        this.#pending.delete(id);
        limit?.dispose();
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const entry: Pending = {
        recipient,
        type,
        resolve: (payload) => settle(() => resolve(payload)),
        reject: (error) => settle(() => reject(error)),
      };
      this.#pending.set(id, entry);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      // the clock's one deadline primitive (a foreground wait: a script awaiting a reply is kept alive)
      limit = deadline(this.#clock, timeoutMs, { error: () => new RequestTimeoutError(recipient, type, id, timeoutMs) });
      limit.signal.addEventListener('abort', () => entry.reject(limit!.signal.reason), { once: true });
    });
  }

  /** Settle the request `reply` answers; false when none is waiting (late, or not ours). */
  settle(reply: ChannelMessage): boolean {
    const entry = reply.replyTo === undefined ? undefined : this.#pending.get(reply.replyTo);
    if (entry === undefined) return false;
    if (reply.type === `${entry.type}.error`) {
      const p = (reply.payload ?? {}) as Partial<ErrorReplyPayload>;
      entry.reject(new RemoteHandlerError(entry.recipient, entry.type, reply.replyTo!, String(p.name ?? 'Error'), String(p.message ?? '')));
    } else {
      entry.resolve(reply.payload);
    }
    return true;
  }

  fail(id: string, error: unknown): void {
    this.#pending.get(id)?.reject(error);
  }

  rejectAll(error: unknown): void {
    for (const entry of [...this.#pending.values()]) entry.reject(error);
  }
}
