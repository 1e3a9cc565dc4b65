import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Clock, type EventEmitter, type TimerHandle } from '@rampart/core';
import { redactString } from '@rampart/core/internal';
import type { MessageHandler } from '../channel.js';
import type { ChannelHandlerError } from '../channel-handler-error.js';
import { InvalidMessageError } from '../errors/invalid-message-error.js';
import type { ChannelMessage } from '../message.js';
import { parseChannelMessage } from '../parse-message.js';
import { moveToDead, type DeadLetter, type DeadLetterReason } from './dead-letters.js';
import type { TeamFolders } from './file-layout.js';
import { claimedName, MESSAGE_SUFFIX, type Owner } from './file-names.js';
import { deleteHandled, rememberHandled } from './handled-files.js';

export interface InboxReceiverDeps {
  team: string;
  folders: TeamFolders;
  owner: Owner;
  clock: Clock;
  pollIntervalMs: number;
  maxInFlight: number;
  /** The channel's current handler (none: nothing is claimed). */
  handler: () => MessageHandler | undefined;
  deadLetters: EventEmitter<DeadLetter>;
  handlerErrors: EventEmitter<ChannelHandlerError>;
  pollErrors: EventEmitter<unknown>;
}

export const errorText = (error: unknown) => redactString(error instanceof Error ? error.message : String(error));

/**
 * The receiving loop of one open FileChannel: lists the inbox (every `pollIntervalMs` on the
 * clock, and when kicked), claims each file into `processing/` in name order, validates it, starts
 * its handler (without waiting for the previous one), and deletes it once the handler settles.
 * A handled file whose delete fails is remembered (see `handled-files.ts`) and its delete is tried
 * again at the start of every later poll, until it succeeds; it is never handed out again.
 */
export class InboxReceiver {
  readonly #deps: InboxReceiverDeps;
  readonly #inFlight = new Set<Promise<void>>();
  #open = true;
  #timer: TimerHandle | undefined;
  #polling: Promise<void> | undefined;
  #pollAgain = false;

  constructor(deps: InboxReceiverDeps) {
    this.#deps = deps;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** List the inbox now (or right after the listing in progress). */
  kick(): void {
    if (!this.#open || this.#deps.handler() === undefined) return;
    if (this.#polling !== undefined) {
      this.#pollAgain = true;
      return;
    }
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#polling = this.#pollOnce()
      .catch((error: unknown) => this.#deps.pollErrors.fire(error))
      .finally(() => {
        this.#polling = undefined;
        if (this.#pollAgain) {
          this.#pollAgain = false;
          this.kick();
        } else {
          this.#schedule();
        }
      });
  }

  /**
   * Stop listing; resolves once the listing in progress is done, with a promise of the handlers
   * running now having settled and deleted (or buried) their files (not awaited here: a handler
   * may wait long).
   */
  async stop(): Promise<{ handlersDone: Promise<void> }> {
    this.#open = false;
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling;
    return { handlersDone: Promise.allSettled([...this.#inFlight]).then(() => undefined) };
  }

  /** Try again to delete the handled files of this team whose delete failed; failures go to `pollErrors`. */
  async retryDeletes(): Promise<void> {
    for (const error of await deleteHandled(this.#deps.folders.processing)) this.#deps.pollErrors.fire(error);
  }

  #schedule(): void {
    if (!this.#open || this.#timer !== undefined || this.#deps.handler() === undefined) return;
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined;
      this.kick();
    }, this.#deps.pollIntervalMs);
  }

  async #pollOnce(): Promise<void> {
    const { folders, owner, maxInFlight } = this.#deps;
    await this.retryDeletes();
    const names = (await readdir(folders.inbox)).filter((n) => n.endsWith(MESSAGE_SUFFIX)).sort();
    for (const name of names) {
      if (!this.#open || this.#deps.handler() === undefined || this.#inFlight.size >= maxInFlight) return;
      const claimed = join(folders.processing, claimedName(name, owner));
      try {
        await rename(join(folders.inbox, name), claimed);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process claimed it
        throw error;
      }
      await this.#take(claimed, name);
    }
  }

  /** Read and validate a claimed file, then start its handler (not awaited) or move it to `dead/`. */
  async #take(claimed: string, name: string): Promise<void> {
    const { team, folders } = this.#deps;
    const text = await readFile(claimed, 'utf8');
    let message: ChannelMessage;
    try {
      message = parseChannelMessage(JSON.parse(text));
    } catch (error) {
      const invalid = error instanceof InvalidMessageError;
      await this.#bury(claimed, name, invalid ? 'invalid_message' : 'invalid_json', invalid ? error.issues.join('; ') : errorText(error));
      return;
    }
    if (message.recipient !== team) {
      await this.#bury(claimed, name, 'wrong_recipient', `addressed to "${message.recipient}"`, message.id);
      return;
    }
    const handler = this.#deps.handler();
    if (handler === undefined) {
      await rename(claimed, join(folders.inbox, name)); // the handler left meanwhile: leave it for the next one
      return;
    }
    this.#dispatch(handler, message, claimed, name);
  }

  #dispatch(handler: MessageHandler, message: ChannelMessage, claimed: string, name: string): void {
    const run = async () => {
      try {
        await handler(message);
      } catch (error) {
        this.#deps.handlerErrors.fire({ kind: 'file', team: this.#deps.team, message, error });
        await this.#bury(claimed, name, 'handler_failed', errorText(error), message.id);
        return;
      }
      try {
        await rm(claimed, { force: true });
      } catch (error) {
        // handled: never hand it out again; the next polls (and close()) delete it
        rememberHandled(this.#deps.folders.processing, basename(claimed));
        throw error;
      }
    };
    const task: Promise<void> = run()
      .catch((error: unknown) => this.#deps.pollErrors.fire(error))
      .finally(() => {
        this.#inFlight.delete(task);
        this.kick(); // a slot is free
      });
    this.#inFlight.add(task);
  }

  async #bury(claimed: string, name: string, reason: DeadLetterReason, detail: string, messageId?: string): Promise<void> {
    const { team, folders, clock } = this.#deps;
    const file = await moveToDead(folders, claimed, name, reason, detail, clock.wallNow());
    this.#deps.deadLetters.fire({ team, file, reason, detail, ...(messageId === undefined ? {} : { messageId }) });
  }
}
