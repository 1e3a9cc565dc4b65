import { type Disposable } from '@rampart/core';
import { errorForLog } from '@rampart/core/internal';
import type { ChannelSwitch, HandlerFailure, UndeliverableMessage, UnhandledMessage } from './team-channels-events.js';
import type { ChannelsLogger } from './team-channels-options.js';

interface Observable {
  onChannelSwitch(listener: (e: ChannelSwitch) => void): Disposable;
  onUndeliverable(listener: (e: UndeliverableMessage) => void): Disposable;
  onUnhandled(listener: (e: UnhandledMessage) => void): Disposable;
  onHandlerError(listener: (e: HandlerFailure) => void): Disposable;
}

/** Log TeamChannels' events: one structured line each, with ids and types, never payloads; a handler's error with its class, message and stack (redacted). */
export function attachLogging(channels: Observable, logger: ChannelsLogger): Disposable {
  const subs = [
    channels.onChannelSwitch((e) => logger.warn({ from: e.from, to: e.to, reason: e.reason, error: e.error }, 'channel switch')),
    channels.onUndeliverable((e) =>
      logger.warn({ messageId: e.message.id, type: e.message.type, peer: e.message.recipient, where: e.where, reason: e.reason }, 'message undeliverable'),
    ),
    channels.onUnhandled((e) => logger.warn({ messageId: e.message.id, type: e.message.type, sender: e.message.sender, reason: e.reason }, 'message unhandled')),
    channels.onHandlerError((e) =>
      logger.error({ messageId: e.message.id, type: e.message.type, sender: e.message.sender, err: errorForLog(e.error), replied: e.replied }, 'handler failed'),
    ),
  ];
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}
