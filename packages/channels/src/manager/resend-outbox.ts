import type { Clock, EventEmitter } from '@rampart/core';
import type { ChannelSlot } from './channel-slot.js';
import { sendWithFailover } from './failover-send.js';
import type { Outbox } from './outbox.js';
import type { UndeliverableMessage } from './team-channels-events.js';
import type { ChannelsLogger, MessageRoute } from './team-channels-options.js';

export interface ResendContext {
  team: string;
  outbox: Outbox;
  slots: readonly ChannelSlot[];
  clock: Clock;
  sendTimeoutMs: number;
  route: MessageRoute | undefined;
  /** Aborts when TeamChannels stops. */
  signal: AbortSignal;
  undeliverable: EventEmitter<UndeliverableMessage>;
  logger: ChannelsLogger | undefined;
}

/**
 * Report (and remove) expired outbox messages, then resend the others in delivery order while a
 * channel is usable. A message no channel takes stays, with its attempt count updated.
 */
export async function resendOutbox(ctx: ResendContext): Promise<void> {
  if (ctx.outbox.depth === 0) return;
  const { entries, invalid } = await ctx.outbox.list();
  if (invalid.length > 0) ctx.logger?.warn({ keys: invalid }, 'outbox entries that are not messages were left in the store');
  const now = ctx.clock.wallNow();
  const live = [];
  for (const entry of entries) {
    const { message } = entry;
    if (message.expiresAt === undefined || message.expiresAt >= now) {
      live.push(entry);
      continue;
    }
    await ctx.outbox.remove(message.id);
    ctx.undeliverable.fire({ team: ctx.team, message, reason: 'expired', where: 'outbox' });
  }
  for (const { message, seq } of live) {
    if (ctx.signal.aborted || !ctx.slots.some((s) => s.usable)) return;
    const outcome = await sendWithFailover(ctx.slots, message, ctx.signal, ctx.clock, ctx.sendTimeoutMs, ctx.route);
    if (outcome.kind !== undefined) await ctx.outbox.remove(message.id);
    else await ctx.outbox.put(message, seq); // with its attempt count
  }
}
