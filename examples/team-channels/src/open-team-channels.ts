import { FileChannel, HttpChannel, TeamChannels, type HttpPeers } from '@rampart/channels';
import { RedisChannel } from '@rampart/redis';

/** What both team processes need to reach each other (sent to the research process over IPC, not argv: it holds the token). */
export interface ChannelsConfig {
  /** The shared folder of the FileChannels. */
  directory: string;
  /** The Redis the RedisChannels use (through the outage proxy in this example). */
  redisUrl: string;
  /** Unique per run, so parallel runs never share inboxes and cleanup finds every key. */
  keyPrefix: string;
  /** Shared bearer token of the HttpChannels. */
  httpToken: string;
  /** How often each team checks its channels and resends its outbox, ms. */
  healthCheckIntervalMs: number;
  /** Bound on one send and one health check, and RedisChannel's own timeout, ms. */
  timeoutMs: number;
}

/** A team's TeamChannels and the transports under it, for the scenario to break them. */
export interface OpenedChannels {
  channels: TeamChannels;
  file: FileChannel;
  http: HttpChannel;
  redis: RedisChannel;
}

/**
 * A team's channels in priority order file → HTTP → Redis (the documented order, without
 * in-memory: the two teams live in two processes). File is local, durable and needs no server;
 * HTTP reaches the peer directly; Redis, a shared server, is the last resort. Not started.
 */
export function openTeamChannels(team: string, config: ChannelsConfig, peers: HttpPeers): OpenedChannels {
  const { healthCheckIntervalMs, timeoutMs } = config;
  const file = new FileChannel({ team, directory: config.directory, pollIntervalMs: healthCheckIntervalMs });
  const http = new HttpChannel({ team, peers, token: config.httpToken, timeoutMs });
  const redis = new RedisChannel({
    team,
    redis: config.redisUrl,
    keyPrefix: config.keyPrefix,
    heartbeatIntervalMs: healthCheckIntervalMs * 5,
    pollIntervalMs: healthCheckIntervalMs,
    timeoutMs,
  });
  const channels = new TeamChannels({
    team,
    channels: [file, http, redis],
    healthCheckIntervalMs,
    healthCheckTimeoutMs: timeoutMs,
    sendTimeoutMs: timeoutMs,
  });
  return { channels, file, http, redis };
}
