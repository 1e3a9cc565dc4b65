// Test helpers of @rampart/postgres (`@rampart/postgres/testing`). Every export is listed here by name.
export { PgCluster, PG_BIN, type PgClusterOptions, type PgServer } from './pg-cluster.js';
