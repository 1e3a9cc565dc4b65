export { instrumentManager } from './manager-metrics.js';
export { instrumentCircuitBreakers } from './circuit-breaker-metrics.js';
export { instrumentTeamChannels } from './team-channels-metrics.js';
export type { Instrumentation, MetricsOptions } from './metrics-options.js';
export type { ChannelStatusLike, TeamChannelsHealthLike, TeamChannelsLike } from './team-channels-like.js';
