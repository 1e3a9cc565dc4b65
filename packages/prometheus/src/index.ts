export { instrumentManager } from './manager-metrics.js';
export { instrumentCircuitBreakers } from './circuit-breaker-metrics.js';
export type { Instrumentation, MetricsOptions } from './metrics-options.js';
