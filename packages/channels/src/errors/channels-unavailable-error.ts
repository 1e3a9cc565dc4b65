import { RampartError } from '@rampart/core';
import { redactString } from '@rampart/core/internal';
import type { ChannelKind } from '../channel.js';

/** What happened to one channel while a message was being sent. */
export interface ChannelAttempt {
  kind: ChannelKind;
  /** `failed`: the send was tried and rejected; the others: the channel was skipped. */
  outcome: 'failed' | 'unhealthy' | 'circuit_open';
  /** The channel's error, for `failed`. */
  error?: unknown;
  /** A short, redacted description. */
  message: string;
}

/**
 * No channel could take a message (every one failed, or was unhealthy or had its circuit open),
 * and it was not queued (`queueOnFailure: false`, or the outbox could not store it: see `cause`).
 */
export class ChannelsUnavailableError extends RampartError {
  readonly recipient: string;
  readonly messageId: string;
  /** Every channel in priority order, with what happened to it. */
  readonly attempts: readonly ChannelAttempt[];

  constructor(recipient: string, messageId: string, attempts: readonly ChannelAttempt[], options?: { cause?: unknown }) {
    const summary = attempts.map((a) => `${a.kind}: ${a.message}`).join('; ');
    super(redactString(`No channel could deliver message ${messageId} to "${recipient}" (${summary || 'no channels'})`), options);
    this.recipient = recipient;
    this.messageId = messageId;
    this.attempts = Object.freeze([...attempts]);
  }
}
