import { CircuitState, runWithDeadline, type Clock } from '@rampart/core';
import type { ChannelKind } from '../channel.js';
import type { ChannelAttempt } from '../errors/channels-unavailable-error.js';
import type { ChannelMessage } from '../message.js';
import { errorText, type ChannelSlot } from './channel-slot.js';

export type FailoverOutcome = { kind: ChannelKind } | { kind: undefined; attempts: ChannelAttempt[] };

/**
 * Offer `message` to each channel in priority order that is healthy and whose circuit is not
 * open, through its breaker and under `sendTimeoutMs`, until one takes it. `message.attempts` is
 * incremented per try. Rejects only when `signal` aborts (with its reason).
 */
export async function sendWithFailover(
  slots: readonly ChannelSlot[],
  message: ChannelMessage,
  signal: AbortSignal,
  clock: Clock,
  sendTimeoutMs: number,
): Promise<FailoverOutcome> {
  const attempts: ChannelAttempt[] = [];
  for (const slot of slots) {
    if (!slot.healthy) {
      attempts.push({ kind: slot.kind, outcome: 'unhealthy', message: slot.lastError ?? 'unhealthy' });
      continue;
    }
    if (slot.breaker.state === CircuitState.Open) {
      attempts.push({ kind: slot.kind, outcome: 'circuit_open', message: 'circuit open' });
      continue;
    }
    signal.throwIfAborted();
    message.attempts++;
    const copy = { ...message };
    const startedAt = clock.now();
    try {
      await slot.breaker.execute(() => runWithDeadline(clock, sendTimeoutMs, signal, (s) => slot.channel.send(copy, { signal: s })));
      slot.sent++;
      slot.sendLatencyMs = clock.now() - startedAt;
      return { kind: slot.kind };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      slot.recordFailure(error);
      attempts.push({ kind: slot.kind, outcome: 'failed', error, message: errorText(error) });
    }
  }
  return { kind: undefined, attempts };
}
