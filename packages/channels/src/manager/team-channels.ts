import { setMaxListeners } from 'node:events';
import { CircuitState, EventEmitter, type Disposable, type Event, type TimerHandle } from '@rampart/core';
import { errorForLog, linkSignals } from '@rampart/core/internal';
import type { ChannelKind } from '../channel.js';
import { ChannelsStoppedError } from '../errors/channels-stopped-error.js';
import { ChannelsUnavailableError } from '../errors/channels-unavailable-error.js';
import { createMessage, type ChannelMessage } from '../message.js';
import { teamOption } from '../validate-options.js';
import { attachLogging } from './attach-logging.js';
import { ChannelSlot } from './channel-slot.js';
import { sendWithFailover } from './failover-send.js';
import { InboundRouter, type TeamMessageHandler } from './inbound-router.js';
import { Outbox } from './outbox.js';
import { PendingRequests } from './pending-requests.js';
import type { RequestOptions, SendOptions, SendResult, TeamChannelsHealth, TeamStatus } from './team-channels-types.js';
import { resendOutbox } from './resend-outbox.js';
import type { ChannelSwitch, HandlerFailure, UndeliverableMessage, UnhandledMessage } from './team-channels-events.js';
import { messageTypeOption, resolveTeamChannelsOptions, type ResolvedTeamChannelsOptions, type TeamChannelsOptions } from './team-channels-options.js';

const STATUS_TYPE = 'rampart.status';

/**
 * A team's channels with failover (seed 000's FallbackProtocolManager): sends go over the
 * preferred healthy channel whose circuit is closed, fail over down the list, and wait in the
 * outbox when none takes them; receiving listens on every channel, drops duplicates, routes by
 * type, and answers requests.
 */
export class TeamChannels {
  readonly team: string;
  readonly options: ResolvedTeamChannelsOptions;
  readonly #slots: ChannelSlot[];
  readonly #outbox: Outbox;
  readonly #pending: PendingRequests;
  readonly #router: InboundRouter;
  readonly #switches = new EventEmitter<ChannelSwitch>();
  readonly #undeliverable = new EventEmitter<UndeliverableMessage>();
  readonly #unhandled = new EventEmitter<UnhandledMessage>();
  readonly #handlerErrors = new EventEmitter<HandlerFailure>();
  #running = false;
  #starting: Promise<void> | undefined;
  #stop = new AbortController();
  #subscriptions: Disposable[] = [];
  #timer: TimerHandle | undefined;
  #checking: Promise<void> | undefined;
  #flushing: Promise<void> | undefined;
  /** The preferred channel at the last look; null until the first health check after start. */
  #active: ChannelKind | undefined | null = null;

  constructor(options: TeamChannelsOptions) {
    this.options = resolveTeamChannelsOptions(options);
    const { team, clock, channels, failureThreshold, recoveryTimeoutMs } = this.options;
    this.team = team;
    this.#slots = channels.map((c, i) => new ChannelSlot(team, c, i, { failureThreshold, recoveryTimeoutMs, clock }));
    this.#outbox = new Outbox(this.options.outbox, team);
    this.#pending = new PendingRequests(clock);
    this.#router = new InboundRouter({
      team,
      clock,
      dedupeSize: this.options.dedupeSize,
      pending: this.#pending,
      events: { undeliverable: this.#undeliverable, unhandled: this.#unhandled, handlerError: this.#handlerErrors },
      reply: (message) => this.#deliver(message, undefined, true, true),
      builtins: new Map<string, TeamMessageHandler>([[STATUS_TYPE, () => this.#status()]]),
    });
    if (this.options.logger !== undefined) attachLogging(this, this.options.logger);
  }

  /** The preferred channel changed. */
  get onChannelSwitch(): Event<ChannelSwitch> {
    return this.#switches.event;
  }

  /** A message expired in the outbox or arrived expired. */
  get onUndeliverable(): Event<UndeliverableMessage> {
    return this.#undeliverable.event;
  }

  /** A message had no handler for its type, or was a reply nobody waited for. */
  get onUnhandled(): Event<UnhandledMessage> {
    return this.#unhandled.event;
  }

  /** A handler threw (a request got an error reply). */
  get onHandlerError(): Event<HandlerFailure> {
    return this.#handlerErrors.event;
  }

  /**
   * The channel tried first for the next send: the first healthy one whose circuit is not open.
   * Reading it re-evaluates (a circuit half-opens lazily), firing onChannelSwitch if it changed.
   */
  get activeChannel(): ChannelKind | undefined {
    if (!this.#running) return this.#slots.find((s) => s.usable)?.kind;
    this.#noteActive();
    return this.#active ?? undefined;
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * Start every channel and listen on all of them, check their health, resend what a persisted
   * outbox holds, and check health every `healthCheckIntervalMs`. A channel that fails to start
   * counts as unhealthy; the others carry on.
   */
  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#starting ??= this.#open().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #open(): Promise<void> {
    this.#stop = new AbortController();
    // every send and request in flight listens to the stop signal at once (each removes its listener when it settles)
    setMaxListeners(0, this.#stop.signal);
    this.#active = null;
    this.#subscriptions = this.#slots.map((slot) =>
      slot.channel.onMessage((message) => {
        slot.received++;
        return this.#router.receive(message);
      }),
    );
    this.#running = true;
    try {
      await Promise.all(this.#slots.map((slot) => slot.start()));
      await this.#outbox.list();
      await this.checkHealth();
    } catch (error) {
      await this.#shutdown(); // the outbox store could not be read
      throw error;
    }
    this.#scheduleCheck();
  }

  /** Register the handler of one message type; dispose it to unregister. */
  handle(type: string, handler: TeamMessageHandler): Disposable {
    return this.#router.handle(messageTypeOption('handle.type', type), handler);
  }

  /**
   * Send `payload` to `recipient` over the first channel that takes it. When none does, the message
   * waits in the outbox (`queued: true`), or, with `queueOnFailure: false`, this rejects with
   * {@link ChannelsUnavailableError}.
   */
  async send(recipient: string, type: string, payload?: unknown, options: SendOptions = {}): Promise<SendResult> {
    const message = this.#newMessage(recipient, type, payload, options, false);
    return this.#deliver(message, options.signal, this.options.queueOnFailure, false);
  }

  /** Send a request and resolve with the reply's payload (RequestTimeoutError, RemoteHandlerError otherwise). */
  async request<T = unknown>(recipient: string, type: string, payload?: unknown, options: RequestOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    const message = this.#newMessage(recipient, type, payload, { ...options, ttlMs: timeoutMs }, true);
    const reply = this.#pending.wait(message.id, message.recipient, message.type, timeoutMs, options.signal);
    try {
      await this.#deliver(message, options.signal, true, false);
    } catch (error) {
      this.#pending.fail(message.id, error);
    }
    return (await reply) as T;
  }

  /** Ask `recipient` for its status (answered by its TeamChannels' built-in `rampart.status` handler). */
  ping(recipient: string, options: Omit<RequestOptions, 'priority'> = {}): Promise<TeamStatus> {
    return this.request<TeamStatus>(recipient, STATUS_TYPE, null, options);
  }

  /** Check every channel now, then resend the outbox if a channel is usable. Resolves with the health. */
  async checkHealth(): Promise<TeamChannelsHealth> {
    if (this.#running) {
      this.#checking ??= this.#checkAll().finally(() => (this.#checking = undefined));
      await this.#checking;
    }
    return this.getHealth();
  }

  getHealth(): TeamChannelsHealth {
    return {
      team: this.team,
      running: this.#running,
      activeChannel: this.activeChannel,
      channels: this.#slots.map((s) => s.status()),
      outboxDepth: this.#outbox.depth,
      duplicatesDropped: this.#router.duplicatesDropped,
      pendingRequests: this.#pending.size,
    };
  }

  /**
   * Stop the health checks, reject pending requests with {@link ChannelsStoppedError}, and close
   * every channel. The outbox stays in its store (the caller closes a store it passed in).
   */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    if (this.#running) await this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const stopped = new ChannelsStoppedError(this.team);
    this.#stop.abort(stopped);
    this.#pending.rejectAll(stopped);
    await Promise.allSettled(this.#slots.map((s) => s.channel.close()));
    for (const sub of this.#subscriptions.splice(0)) sub.dispose();
    await Promise.allSettled([this.#checking, this.#flushing]);
  }

  #newMessage(recipient: string, type: string, payload: unknown, options: SendOptions, replyExpected: boolean): ChannelMessage {
    return createMessage(
      {
        sender: this.team,
        recipient: teamOption('recipient', recipient),
        type: messageTypeOption('type', type),
        payload,
        ...(options.priority === undefined ? {} : { priority: options.priority }),
        ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
        ...(replyExpected ? { replyExpected } : {}),
      },
      this.options.clock.wallNow(),
    );
  }

  async #deliver(message: ChannelMessage, signal: AbortSignal | undefined, queue: boolean, internal: boolean): Promise<SendResult> {
    if (!this.#running) {
      if (!internal) throw new ChannelsStoppedError(this.team);
      await this.#outbox.put(message); // a reply made while stopping waits for the next start
      return { id: message.id, channel: undefined, queued: true };
    }
    const link = linkSignals(signal, this.#stop.signal);
    try {
      const outcome = await sendWithFailover(this.#slots, message, link.signal, this.options.clock, this.options.sendTimeoutMs, this.options.route);
      this.#noteActive();
      if (outcome.kind !== undefined) return { id: message.id, channel: outcome.kind, queued: false };
      if (!queue) throw new ChannelsUnavailableError(message.recipient, message.id, outcome.attempts);
      try {
        await this.#outbox.put(message);
      } catch (error) {
        throw new ChannelsUnavailableError(message.recipient, message.id, outcome.attempts, { cause: error });
      }
      return { id: message.id, channel: undefined, queued: true };
    } finally {
      link.dispose();
    }
  }

  async #checkAll(): Promise<void> {
    const { clock, healthCheckTimeoutMs } = this.options;
    await Promise.all(this.#slots.map((slot) => slot.check(clock, healthCheckTimeoutMs, this.#stop.signal)));
    this.#noteActive();
    if (this.#running) await this.#flushOutbox();
  }

  #scheduleCheck(): void {
    if (!this.#running) return;
    // background work: the health loop never keeps the process alive by itself
    this.#timer = this.options.clock.setBackgroundTimeout(() => {
      this.#timer = undefined;
      void this.checkHealth().finally(() => this.#scheduleCheck());
    }, this.options.healthCheckIntervalMs);
  }

  /** Resend queued messages in priority order; report (and remove) expired ones. Never rejects. */
  #flushOutbox(): Promise<void> {
    this.#flushing ??= resendOutbox({
      team: this.team,
      outbox: this.#outbox,
      slots: this.#slots,
      clock: this.options.clock,
      sendTimeoutMs: this.options.sendTimeoutMs,
      route: this.options.route,
      signal: this.#stop.signal,
      undeliverable: this.#undeliverable,
      logger: this.options.logger,
    })
      .then(() => this.#noteActive())
      .catch((error: unknown) => this.options.logger?.warn({ err: errorForLog(error) }, 'outbox resend failed'))
      .finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  /** Fire onChannelSwitch when the preferred channel changed. */
  #noteActive(): void {
    const next = this.#slots.find((s) => s.usable);
    const known = this.#active;
    if (next?.kind === known) return;
    this.#active = next?.kind;
    if (known === null) return; // the first look after start: nothing switched
    const previous = this.#slots.find((s) => s.kind === known);
    const recovered = next !== undefined && (previous === undefined || next.index < previous.index);
    const reason = recovered ? 'recovered' : previous?.breaker.state === CircuitState.Open ? 'circuit_open' : 'unhealthy';
    this.#switches.fire({
      team: this.team,
      from: previous?.kind,
      to: next?.kind,
      reason,
      ...(previous?.lastError === undefined || recovered ? {} : { error: previous.lastError }),
    });
  }

  #status(): TeamStatus {
    return {
      team: this.team,
      status: 'online',
      activeChannel: this.activeChannel,
      channels: this.#slots.map((s) => s.kind),
      outboxDepth: this.#outbox.depth,
      timestamp: this.options.clock.wallNow(),
    };
  }
}
