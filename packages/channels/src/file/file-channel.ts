import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  EventEmitter,
  writeFileAtomic,
  type Clock,
  type Disposable,
  type Event,
  type TimerHandle,
} from '@rampart/core';
import {
  booleanOption,
  clockOption,
  nonEmptyString,
  optionsObject,
  positiveInt,
  nonNegativeNumber,
  positiveNumber,
  type OptionKeys,
} from '@rampart/core/internal';
import type { Channel, ChannelHealth, MessageHandler } from '../channel.js';
import type { ChannelHandlerError } from '../channel-handler-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import type { ChannelMessage } from '../message.js';
import { wireCopy } from '../parse-message.js';
import { teamOption } from '../validate-options.js';
import type { DeadLetter } from './dead-letters.js';
import { claimOwner, ensureFolders, recoverAbandoned, releaseOwner, teamFolders, type TeamFolders } from './file-layout.js';
import { messageFileName, nextSequence, temporaryName, type Owner } from './file-names.js';
import { pendingHandledDeletes } from './handled-files.js';
import { errorText, InboxReceiver } from './inbox-receiver.js';

export interface FileChannelOptions {
  /** The local team this channel receives for. */
  team: string;
  /** The shared folder; each team has `<directory>/<team>/{inbox,processing,dead,tmp}`. */
  directory: string;
  /** How often the inbox is listed, ms (on the clock). Default 250. */
  pollIntervalMs?: number;
  /** Also list the inbox as soon as `fs.watch` reports a change (a hint; polling still runs). Default true. */
  watch?: boolean;
  /** Messages being handled at once; claiming pauses at this many. Default 64. */
  maxInFlight?: number;
  /**
   * How long `close()` waits, ms (on the clock), for handlers still running to settle and delete
   * their files; a handler that takes longer keeps its file claimed until it settles. Default 5000.
   */
  closeTimeoutMs?: number;
  /** Time source for the poll interval and `closeTimeoutMs`. Default `systemClock`. */
  clock?: Clock;
}

/** Every option of {@link FileChannelOptions}: any other key is a ConfigError. */
const FILE_CHANNEL_KEYS: OptionKeys<FileChannelOptions> = {
  team: true, directory: true, pollIntervalMs: true, watch: true, maxInFlight: true, closeTimeoutMs: true,
  clock: true,
};

/** FileChannel options after defaults and validation (frozen). */
export interface ResolvedFileChannelOptions {
  readonly pollIntervalMs: number;
  readonly watch: boolean;
  readonly maxInFlight: number;
  readonly closeTimeoutMs: number;
  readonly clock: Clock;
}

/**
 * Inter-process messaging on one machine through a shared folder (seed 000's FileBasedProtocol).
 *
 * Send: the message is written to the recipient's `tmp/`, fsync'ed, and renamed into its `inbox/`
 * under a name that sorts in delivery order (priority, then timestamp, then send order): a crash
 * never leaves half a message. A recipient that is not running finds its messages when it starts.
 *
 * Receive: the inbox is listed every `pollIntervalMs` (and on `fs.watch` hints). Each file is claimed
 * by renaming it into `processing/` (so two processes of one team never both take it), read,
 * validated, handed to the handler, and deleted once the handler settles: at least once, since a
 * crash before the delete leaves it in `processing/`, from where `start()` puts back the files of
 * processes that are gone. A file that is not a valid message for this team, or whose handler
 * throws, is moved to `dead/` with a `.reason.json` and reported through {@link onDeadLetter}.
 *
 * A handled message is never handed out again by this process: when its delete fails (the folder
 * is briefly unreachable), the failure goes to {@link onPollError}, the file is remembered for the
 * whole process, and its delete is tried again on every later poll of any FileChannel of the team
 * in this process, and at `close()`, until it succeeds; `start()` never puts a remembered file back
 * into the inbox. Only if the process ends before the folder is reachable again does the file look
 * unhandled (nothing could be written there to say otherwise), and the next process gets it again.
 *
 * `close()` waits up to `closeTimeoutMs` for handlers still running to settle and delete their files.
 */
export class FileChannel implements Channel {
  readonly kind = 'file' as const;
  readonly team: string;
  readonly directory: string;
  readonly options: ResolvedFileChannelOptions;
  readonly #folders: TeamFolders;
  readonly #deadLetters = new EventEmitter<DeadLetter>();
  readonly #handlerErrors = new EventEmitter<ChannelHandlerError>();
  readonly #pollErrors = new EventEmitter<unknown>();
  #owner: Owner | undefined;
  #receiver: InboxReceiver | undefined;
  #starting: Promise<void> | undefined;
  #handler: MessageHandler | undefined;
  #watcher: FSWatcher | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: FileChannelOptions) {
    const o = optionsObject('FileChannel', options, FILE_CHANNEL_KEYS);
    this.team = teamOption('FileChannel.team', o.team);
    this.directory = nonEmptyString('FileChannel.directory', o.directory);
    this.options = Object.freeze({
      pollIntervalMs: positiveNumber('FileChannel.pollIntervalMs', o.pollIntervalMs ?? 250),
      watch: booleanOption('FileChannel.watch', o.watch, true),
      maxInFlight: positiveInt('FileChannel.maxInFlight', o.maxInFlight ?? 64),
      closeTimeoutMs: nonNegativeNumber('FileChannel.closeTimeoutMs', o.closeTimeoutMs ?? 5000),
      clock: clockOption('FileChannel.clock', o.clock),
    });
    this.#folders = teamFolders(this.directory, this.team);
  }

  /** Fires for every file moved to `dead/`. */
  get onDeadLetter(): Event<DeadLetter> {
    return this.#deadLetters.event;
  }

  /** Fires when the handler throws or rejects (the file then goes to `dead/` as `handler_failed`). */
  get onHandlerError(): Event<ChannelHandlerError> {
    return this.#handlerErrors.event;
  }

  /** Fires when listing or claiming the inbox, or deleting a handled file, fails (the next poll tries again). */
  get onPollError(): Event<unknown> {
    return this.#pollErrors.event;
  }

  get started(): boolean {
    return this.#receiver !== undefined;
  }

  /** Create this team's folders, recover files abandoned by dead processes, and start polling. */
  start(): Promise<void> {
    if (this.#receiver !== undefined) return Promise.resolve();
    this.#starting ??= this.#open().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #open(): Promise<void> {
    await ensureFolders(this.#folders);
    await recoverAbandoned(this.#folders);
    const owner = (this.#owner = claimOwner());
    this.#receiver = new InboxReceiver({
      team: this.team,
      folders: this.#folders,
      owner,
      clock: this.options.clock,
      pollIntervalMs: this.options.pollIntervalMs,
      maxInFlight: this.options.maxInFlight,
      handler: () => this.#handler,
      deadLetters: this.#deadLetters,
      handlerErrors: this.#handlerErrors,
      pollErrors: this.#pollErrors,
    });
    if (this.options.watch) this.#startWatching();
    this.#receiver.kick();
  }

  async send(message: ChannelMessage, options?: { signal?: AbortSignal }): Promise<void> {
    const owner = this.#owner;
    if (owner === undefined) throw new ChannelClosedError(this.kind, this.team);
    const signal = options?.signal;
    signal?.throwIfAborted();
    const copy = wireCopy(message);
    const folders = teamFolders(this.directory, copy.recipient);
    await mkdir(folders.tmp, { recursive: true });
    await mkdir(folders.inbox, { recursive: true });
    const tmp = join(folders.tmp, temporaryName(owner, 'msg', randomBytes(6).toString('hex')));
    // Written under tmp/ (owner-tagged, so a dead writer's leftovers are recovered), then renamed in.
    await writeFileAtomic(join(folders.inbox, messageFileName(copy, nextSequence())), JSON.stringify(copy), { tmpPath: tmp, signal });
  }

  /** One handler per channel; a second registration throws a ConfigError. */
  onMessage(handler: MessageHandler): Disposable {
    if (typeof handler !== 'function') throw new ConfigError('FileChannel.onMessage', 'must be a function', typeof handler);
    if (this.#handler !== undefined) {
      throw new ConfigError('FileChannel.onMessage', `the file channel of team "${this.team}" already has a handler`, this.team);
    }
    this.#handler = handler;
    this.#receiver?.kick();
    return {
      dispose: () => {
        if (this.#handler === handler) this.#handler = undefined;
      },
    };
  }

  /** Healthy when the team's folder is writable (a probe file is written and deleted); counts in `details`. */
  async healthCheck(): Promise<ChannelHealth> {
    const owner = this.#owner;
    const clock = this.options.clock;
    const receiver = this.#receiver;
    if (owner === undefined || receiver === undefined) return { healthy: false, latencyMs: 0, error: 'not started' };
    const startedAt = clock.now();
    try {
      await ensureFolders(this.#folders);
      const probe = join(this.#folders.tmp, temporaryName(owner, 'probe', randomBytes(6).toString('hex')));
      const handle = await open(probe, 'wx', 0o600);
      await handle.close();
      await rm(probe);
      const [inbox, processing, dead] = await Promise.all(
        [this.#folders.inbox, this.#folders.processing, this.#folders.dead].map(async (d) => (await readdir(d)).filter((n) => !n.endsWith('.json')).length),
      );
      return {
        healthy: true,
        latencyMs: clock.now() - startedAt,
        details: {
          directory: this.#folders.root,
          inbox,
          processing,
          dead,
          inFlight: receiver.inFlight,
          pendingDeletes: pendingHandledDeletes(this.#folders.processing),
        },
      };
    } catch (error) {
      return { healthy: false, latencyMs: clock.now() - startedAt, error: errorText(error) };
    }
  }

  /**
   * Stop polling and watching, wait up to `closeTimeoutMs` for handlers still running to settle and
   * delete their files, then try once more to delete handled files whose delete failed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close().finally(() => (this.#closing = undefined));
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const receiver = this.#receiver;
    const owner = this.#owner;
    if (receiver === undefined || owner === undefined) return;
    this.#receiver = undefined;
    this.#owner = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    const { handlersDone } = await receiver.stop();
    // Files claimed by handlers still running stay ours until they finish.
    void handlersDone.then(() => releaseOwner(owner));
    if (receiver.inFlight > 0) await this.#settledWithin(handlersDone, this.options.closeTimeoutMs);
    await receiver.retryDeletes(); // best effort: failures go to onPollError; the next start() in this process retries
  }

  /** Resolve when `done` settles or after `timeoutMs` on the clock, whichever comes first. */
  async #settledWithin(done: Promise<void>, timeoutMs: number): Promise<void> {
    const clock = this.options.clock;
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([done, timedOut]);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  #startWatching(): void {
    try {
      const watcher = watch(this.#folders.inbox, { persistent: false }, () => this.#receiver?.kick());
      watcher.on('error', () => {
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
      });
      this.#watcher = watcher;
    } catch {
      // no watching here (inotify limits, some network file systems): polling alone delivers
    }
  }
}
