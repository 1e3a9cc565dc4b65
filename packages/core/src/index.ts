// Public API of @rampart/core. Every export is listed here by name.
export { systemClock, sleepWith, type Clock, type TimerHandle } from './clock/clock.js';
export { RampartError, withoutStack } from './errors/rampart-error.js';
export { ConfigError } from './errors/config-error.js';
export { RetryExhaustedError, type RetryGiveUpReason } from './errors/retry-exhausted-error.js';
export { BrokenCircuitError } from './errors/broken-circuit-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export { BulkheadRejectedError } from './errors/bulkhead-rejected-error.js';
export { RateLimitedError } from './errors/rate-limited-error.js';
export type { Policy, PolicyContext, ExecuteOptions, Disposable } from './policy/policy.js';
export { EventEmitter, type Event } from './events/event.js';
export {
  ResourceType,
  ResourceStatus,
  FallbackStrategy,
  STATUS_SEVERITY,
  worstStatus,
} from './resource/resource-types.js';
export {
  DEFAULT_USAGE_THRESHOLDS,
  type ResourceMonitor,
  type MonitorCheckResult,
  type UsageThresholds,
} from './resource/monitor.js';
// config (policies-A)
export { readEnvDefaults, type EnvDefaults } from './config/env-defaults.js';
export { makeDualDecorator, type DualDecorator, type MethodWrapper, type WrapTarget } from './decorators/method-decorator.js';
