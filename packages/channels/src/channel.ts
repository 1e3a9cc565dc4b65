import type { Disposable } from '@rampart/core';
import type { ChannelMessage } from './message.js';

/** The transports, fastest and most local first (seed 000: in-memory → file → HTTP; then Redis). */
export type ChannelKind = 'memory' | 'file' | 'http' | 'redis';

/** What a channel's `healthCheck()` says. */
export interface ChannelHealth {
  healthy: boolean;
  /** Round trip of the check, ms, when it ran. */
  latencyMs?: number;
  /** Why it is unhealthy, redacted (no passwords, tokens). */
  error?: string;
  /** Transport specifics (queue depth, URL without credentials, …), redacted. */
  details?: Record<string, unknown>;
}

/** Called for every message delivered to this team over the channel. */
export type MessageHandler = (message: ChannelMessage) => void | Promise<void>;

/**
 * One transport between teams (seed 000's BaseFallbackProtocol, seed 003's MessageChannel).
 * A channel is opened for one local team: it receives what is addressed to that team, and it can
 * send to any team reachable over the same transport. `send` resolves once the transport holds
 * the message (in the recipient's queue, written to its inbox file, accepted by its HTTP server,
 * stored in Redis); it rejects when it cannot, so the caller can fail over to another channel.
 * A handler's rejection is the receiving side's concern: the channel reports it, it is not the
 * sender's failure. Delivery is at least once: receivers dedupe by message id.
 */
export interface Channel {
  readonly kind: ChannelKind;
  /** The local team this channel receives for. */
  readonly team: string;
  /** Open what the transport needs (directories, server socket, connection). Idempotent. */
  start(): Promise<void>;
  send(message: ChannelMessage, options?: { signal?: AbortSignal }): Promise<void>;
  /** Register the handler for delivered messages; receiving starts at `start()`. */
  onMessage(handler: MessageHandler): Disposable;
  healthCheck(signal?: AbortSignal): Promise<ChannelHealth>;
  /** Stop receiving and release every timer, watcher, socket and connection. Idempotent. */
  close(): Promise<void>;
}
