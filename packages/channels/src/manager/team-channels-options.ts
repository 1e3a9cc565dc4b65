import {
  ConfigError,
  MemoryStore,
  type Clock,
  type StateStore,
} from '@rampart/core';
import {
  booleanOption,
  clockOption,
  describeValue,
  nonNegativeNumber,
  optionsObject,
  positiveInt,
  positiveNumber,
  type OptionKeys,
} from '@rampart/core/internal';
import type { Channel, ChannelKind } from '../channel.js';
import { teamOption } from '../validate-options.js';
import type { ChannelMessage } from '../message.js';

/** The part of a pino logger TeamChannels uses (a pino `Logger` fits). */
export interface ChannelsLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  child?(bindings: Record<string, unknown>): ChannelsLogger;
}

export interface TeamChannelsOptions {
  /** The local team: every channel must belong to it. */
  team: string;
  /** The channels in priority order, the preferred first (in-memory → file → HTTP → Redis). One per kind. */
  channels: readonly Channel[];
  /** How often every channel's health is checked (on the clock), ms. Default 5 000. */
  healthCheckIntervalMs?: number;
  /** A channel whose check has not answered after this many ms counts as unhealthy. Default 2 000. */
  healthCheckTimeoutMs?: number;
  /** One channel's `send` is abandoned (and the next channel tried) after this many ms. Default 10 000. */
  sendTimeoutMs?: number;
  /** Default `timeoutMs` of `request()`. Default 30 000. */
  requestTimeoutMs?: number;
  /** Consecutive counted send failures that open a channel's circuit. Default 3. */
  failureThreshold?: number;
  /** How long an open circuit stays open before a half-open probe, ms. Default: `healthCheckIntervalMs`. */
  recoveryTimeoutMs?: number;
  /** How many recent message ids are remembered to drop duplicate deliveries. Default 10 000. */
  dedupeSize?: number;
  /** When every channel fails, keep the message in the outbox (true) or reject with ChannelsUnavailableError. Default true. */
  queueOnFailure?: boolean;
  /** Where undelivered messages wait (a `FileStore` survives a crash). Default a new `MemoryStore`. */
  outbox?: StateStore;
  /** Time source for health checks, timeouts and message timestamps. Default `systemClock`. */
  clock?: Clock;
  /** Structured log lines for switches, undeliverable and unhandled messages, handler errors. Default: none. */
  logger?: ChannelsLogger;
  /**
   * Per-message routing (seed 003's routing matrix): the channel kinds to try for this message, in
   * order; kinds left out are not used for it (a critical command can skip the in-memory channel, a
   * large payload can go straight to Redis). Undefined, or no `route`, keeps the `channels` order.
   */
  route?: MessageRoute;
}

/** Every option of {@link TeamChannelsOptions}: any other key is a ConfigError. */
const TEAM_CHANNELS_KEYS: OptionKeys<TeamChannelsOptions> = {
  team: true, channels: true, healthCheckIntervalMs: true, healthCheckTimeoutMs: true, sendTimeoutMs: true,
  requestTimeoutMs: true, failureThreshold: true, recoveryTimeoutMs: true, dedupeSize: true,
  queueOnFailure: true, outbox: true, clock: true, logger: true, route: true,
};

/** See {@link TeamChannelsOptions.route}. */
export type MessageRoute = (message: Readonly<ChannelMessage>) => readonly ChannelKind[] | undefined;

/** Options after defaults and validation (frozen). */
export interface ResolvedTeamChannelsOptions {
  readonly team: string;
  readonly channels: readonly Channel[];
  readonly healthCheckIntervalMs: number;
  readonly healthCheckTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly failureThreshold: number;
  readonly recoveryTimeoutMs: number;
  readonly dedupeSize: number;
  readonly queueOnFailure: boolean;
  readonly outbox: StateStore;
  readonly clock: Clock;
  readonly logger: ChannelsLogger | undefined;
  readonly route: MessageRoute | undefined;
}

const KINDS = new Set<ChannelKind>(['memory', 'file', 'http', 'redis']);
const CHANNEL_METHODS = ['start', 'send', 'onMessage', 'healthCheck', 'close'] as const;
const STORE_METHODS = ['get', 'set', 'delete', 'entries'] as const;
const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

function resolveChannels(team: string, value: unknown): readonly Channel[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError('TeamChannels.channels', `must be a non-empty array of channels, got ${describeValue(value)}`, value);
  }
  const kinds = new Set<ChannelKind>();
  value.forEach((channel: unknown, i) => {
    const path = `TeamChannels.channels[${i}]`;
    if (!hasMethods(channel, CHANNEL_METHODS)) throw new ConfigError(path, 'must implement Channel (start, send, onMessage, healthCheck, close)', describeValue(channel));
    const c = channel as Channel;
    if (!KINDS.has(c.kind)) throw new ConfigError(`${path}.kind`, `must be one of ${[...KINDS].join(', ')}`, c.kind);
    if (kinds.has(c.kind)) throw new ConfigError(`${path}.kind`, `a second "${c.kind}" channel: give one channel per kind`, c.kind);
    if (c.team !== team) throw new ConfigError(`${path}.team`, `belongs to team "${String(c.team)}", not "${team}"`, c.team);
    kinds.add(c.kind);
  });
  return Object.freeze([...(value as Channel[])]);
}

/** Validate `options` and resolve defaults into a new frozen object (the caller's object is not touched). */
export function resolveTeamChannelsOptions(options: TeamChannelsOptions): ResolvedTeamChannelsOptions {
  const o = optionsObject('TeamChannels', options, TEAM_CHANNELS_KEYS);
  const team = teamOption('TeamChannels.team', o.team);
  const healthCheckIntervalMs = positiveNumber('TeamChannels.healthCheckIntervalMs', o.healthCheckIntervalMs ?? 5_000);
  if (o.outbox !== undefined && !hasMethods(o.outbox, STORE_METHODS)) {
    throw new ConfigError('TeamChannels.outbox', 'must be a StateStore (get, set, delete, entries)', describeValue(o.outbox));
  }
  if (o.logger !== undefined && !hasMethods(o.logger, LOGGER_METHODS)) {
    throw new ConfigError('TeamChannels.logger', 'must be a pino-compatible logger (debug, info, warn, error)', describeValue(o.logger));
  }
  const logger = o.logger?.child?.({ team, component: 'channels' }) ?? o.logger;
  if (o.route !== undefined && typeof o.route !== 'function') throw new ConfigError('TeamChannels.route', 'must be a function', describeValue(o.route));
  return Object.freeze({
    team,
    channels: resolveChannels(team, o.channels),
    healthCheckIntervalMs,
    healthCheckTimeoutMs: positiveNumber('TeamChannels.healthCheckTimeoutMs', o.healthCheckTimeoutMs ?? 2_000),
    sendTimeoutMs: positiveNumber('TeamChannels.sendTimeoutMs', o.sendTimeoutMs ?? 10_000),
    requestTimeoutMs: positiveNumber('TeamChannels.requestTimeoutMs', o.requestTimeoutMs ?? 30_000),
    failureThreshold: positiveInt('TeamChannels.failureThreshold', o.failureThreshold ?? 3),
    recoveryTimeoutMs: nonNegativeNumber('TeamChannels.recoveryTimeoutMs', o.recoveryTimeoutMs ?? healthCheckIntervalMs),
    dedupeSize: positiveInt('TeamChannels.dedupeSize', o.dedupeSize ?? 10_000),
    queueOnFailure: booleanOption('TeamChannels.queueOnFailure', o.queueOnFailure, true),
    outbox: o.outbox ?? new MemoryStore(),
    clock: clockOption('TeamChannels.clock', o.clock),
    logger,
    route: o.route,
  });
}

/** A message type for `handle`/`send`/`request`: 1–190 characters (room for the `.reply` suffix). */
export function messageTypeOption(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 190) {
    throw new ConfigError(path, `must be a message type of 1–190 characters, got ${describeValue(value)}`, value);
  }
  return value;
}
