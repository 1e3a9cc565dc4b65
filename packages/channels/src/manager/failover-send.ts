import { CircuitState, ConfigError, runWithDeadline, type Clock } from '@rampart/core';
import type { ChannelKind } from '../channel.js';
import type { ChannelAttempt } from '../errors/channels-unavailable-error.js';
import type { ChannelMessage } from '../message.js';
import { errorText, type ChannelSlot } from './channel-slot.js';
import type { MessageRoute } from './team-channels-options.js';

export type FailoverOutcome = { kind: ChannelKind } | { kind: undefined; attempts: ChannelAttempt[] };

/**
 * Offer `message` to each channel in priority order (or in the order `route` gives for it) that is
 * healthy and whose circuit is not open, through its breaker and under `sendTimeoutMs`, until one
 * takes it. `message.attempts` is incremented per try. Rejects when `signal` aborts (with its
 * reason), and with a ConfigError when `route` names a kind the team has no channel of.
 */
export async function sendWithFailover(
  slots: readonly ChannelSlot[],
  message: ChannelMessage,
  signal: AbortSignal,
  clock: Clock,
  sendTimeoutMs: number,
  route?: MessageRoute,
): Promise<FailoverOutcome> {
  const attempts: ChannelAttempt[] = [];
  for (const slot of route === undefined ? slots : routed(slots, message, route)) {
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

/** The slots `route` picks for `message`, in its order (all of them, in priority order, when it returns undefined). */
function routed(slots: readonly ChannelSlot[], message: ChannelMessage, route: MessageRoute): readonly ChannelSlot[] {
  const kinds = route(message);
  if (kinds === undefined) return slots;
  if (!Array.isArray(kinds)) throw new ConfigError('TeamChannels.route', `must return an array of channel kinds or undefined for message ${message.id}`, typeof kinds);
  return kinds.map((kind) => {
    const slot = slots.find((s) => s.kind === kind);
    if (slot === undefined) {
      throw new ConfigError('TeamChannels.route', `returned "${String(kind)}" for message ${message.id}; the team's channels are ${slots.map((s) => s.kind).join(', ')}`, kind);
    }
    return slot;
  });
}
