// Public API of @rampart/channels. Every export is listed here by name.
// The contract (message.ts, channel.ts)
export { channelMessageSchema, createMessage, MessagePriority, teamIdSchema, type ChannelMessage, type NewMessage } from './message.js';
export type { Channel, ChannelHealth, ChannelKind, MessageHandler } from './channel.js';
export type { ChannelHandlerError } from './channel-handler-error.js';
export { parseChannelMessage, wireCopy } from './parse-message.js';
// errors
export { InvalidMessageError } from './errors/invalid-message-error.js';
export { ChannelClosedError } from './errors/channel-closed-error.js';
export { RecipientUnavailableError, type RecipientUnavailableReason } from './errors/recipient-unavailable-error.js';
export { ChannelsUnavailableError, type ChannelAttempt } from './errors/channels-unavailable-error.js';
export { ChannelsStoppedError } from './errors/channels-stopped-error.js';
export { RequestTimeoutError } from './errors/request-timeout-error.js';
export { RemoteHandlerError } from './errors/remote-handler-error.js';
// in-memory channel
export { InMemoryBus } from './memory/in-memory-bus.js';
export { InMemoryChannel, type InMemoryChannelOptions } from './memory/in-memory-channel.js';
// file channel
export { FileChannel, type FileChannelOptions, type ResolvedFileChannelOptions } from './file/file-channel.js';
export type { DeadLetter, DeadLetterReason } from './file/dead-letters.js';
export { messageFileName } from './file/file-names.js';
// the channels as a resource of a ResilienceManager
export { ChannelsMonitor, type ChannelsMonitorOptions } from './monitor/channels-monitor.js';
// failover manager
export { TeamChannels } from './manager/team-channels.js';
export type { SendOptions, RequestOptions, SendResult, TeamChannelsHealth, TeamStatus } from './manager/team-channels-types.js';
export {
  resolveTeamChannelsOptions,
  type TeamChannelsOptions,
  type ResolvedTeamChannelsOptions,
  type ChannelsLogger,
  type MessageRoute,
} from './manager/team-channels-options.js';
export type { TeamMessageHandler } from './manager/inbound-router.js';
export type { ChannelStatus } from './manager/channel-slot.js';
export type { ErrorReplyPayload } from './manager/pending-requests.js';
export type {
  ChannelSwitch,
  ChannelSwitchReason,
  UndeliverableMessage,
  UnhandledMessage,
  HandlerFailure,
} from './manager/team-channels-events.js';
// HttpChannel (Task B)
export { HttpChannel } from './http/http-channel.js';
export {
  resolveHttpChannelOptions,
  type HttpChannelOptions,
  type HttpChannelListenOptions,
  type HttpPeers,
  type ResolvedHttpChannelOptions,
} from './http/http-channel-options.js';
export { HttpSendError, type HttpSendErrorInit, type HttpSendFailure } from './errors/http-send-error.js';
