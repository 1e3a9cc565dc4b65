// Public API of @rampart/postgres. Every export is listed here by name.
export { PostgresMonitor } from './postgres-monitor.js';
export { resolvePostgresMonitorOptions, type PostgresMonitorOptions, type ResolvedPostgresMonitorOptions } from './postgres-monitor-options.js';
export {
  DEFAULT_POSTGRES_THRESHOLDS,
  evaluatePostgres,
  poolSaturation,
  type PoolCounters,
  type PostgresSample,
  type PostgresThresholds,
} from './postgres-health.js';
export {
  connectionStringPassword,
  describeConnectionString,
  redactConnectionString,
  redactSecrets,
  validateConnectionString,
} from './connection-string.js';
export { isConnectFailure, queryWithSignal } from './query-with-signal.js';
export { ResilientPool, type PoolQueryOptions, type PoolReplicationState } from './resilient-pool.js';
export { ReplicationTopology, type ServerState } from './replication-topology.js';
export { lsnBytesBetween, lsnToBigInt, ROLE_QUERY, type ReplicationSample, type ServerRole } from './replication-sample.js';
export {
  resolveResilientPoolOptions,
  type DatabaseEndpoint,
  type ReadBalancing,
  type ResilientPoolOptions,
  type ResolvedResilientPoolOptions,
} from './resilient-pool-options.js';
export { PrimaryUnavailableError } from './primary-unavailable-error.js';
export { classifyPgError, type PgErrorVerdict } from './classify-pg-error.js';
export { pgErrorClassifier, usePgErrorClassifier } from './pg-error-classifier.js';
