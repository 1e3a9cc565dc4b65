// @rampart/redis/testing: real Redis servers for fault tests and benchmarks (loopback only).
export { freePort } from './free-port.js';
export { RedisServerProcess, type RedisServerOptions } from './redis-server-process.js';
export { RedisClusterProcess } from './redis-cluster-process.js';
export { TcpProxy } from './tcp-proxy.js';
export { ClusterProxy } from './cluster-proxy.js';
export { LocalRedis, REDIS_KINDS, type RedisKind } from './local-redis.js';
export { connectTo, disconnect } from './redis-target.js';
