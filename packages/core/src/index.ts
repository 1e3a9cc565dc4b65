// Public API of @rampart/core. Every export is listed here by name.
export { systemClock, sleepWith, MAX_TIMER_MS, type Clock, type TimerHandle } from './clock/clock.js';
export { deadline, type Deadline, type DeadlineOptions } from './clock/deadline.js';
export { RampartError, type RampartErrorOptions } from './errors/rampart-error.js';
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
  BUILT_IN_RESOURCE_TYPES,
  RESOURCE_TYPE_NAME_PATTERN,
  isBuiltInResourceType,
  type ResourceTypeName,
} from './resource/resource-type-name.js';
export {
  DEFAULT_USAGE_THRESHOLDS,
  type ResourceMonitor,
  type MonitorCheckResult,
  type UsageThresholds,
} from './resource/monitor.js';
// config (policies-A)
export { readEnvDefaults, type EnvDefaults } from './config/env-defaults.js';
export { makeDualDecorator, type DualDecorator, type MethodWrapper, type WrapTarget } from './decorators/method-decorator.js';
// monitors (monitors)
export { usageToStatus, resolveUsageThresholds } from './monitors/usage-status.js';
export { MemoryMonitor, type MemoryMonitorOptions, type ResolvedMemoryMonitorOptions } from './monitors/memory-monitor.js';
export {
  CpuMonitor,
  type CpuMonitorOptions,
  type ResolvedCpuMonitorOptions,
  type EventLoopThresholds,
} from './monitors/cpu-monitor.js';
export {
  NetworkMonitor,
  type NetworkTarget,
  type NetworkMonitorOptions,
  type ResolvedNetworkMonitorOptions,
} from './monitors/network-monitor.js';
export type { NetworkFailureReason, NetworkProbeReason } from './monitors/network-failure.js';
export {
  ApiQuotaMonitor,
  type ApiQuotaReading,
  type ApiQuotaCheck,
  type ApiQuotaMonitorOptions,
  type ResolvedApiQuotaMonitorOptions,
} from './monitors/api-quota-monitor.js';
// circuit breaker and bulkhead (policies-B)
export { CircuitState } from './breaker/circuit-state.js';
export type { Breaker, BreakerWindowSnapshot } from './breaker/breaker.js';
export { ConsecutiveBreaker, type ConsecutiveBreakerOptions } from './breaker/consecutive-breaker.js';
export { SlidingWindowBreaker, type SlidingWindowBreakerOptions } from './breaker/sliding-window-breaker.js';
export {
  countsAsFailure,
  type CircuitBreakerOptions,
  type ResolvedCircuitBreakerOptions,
} from './breaker/circuit-breaker-options.js';
export type {
  CircuitBreakerStats,
  CircuitStateChange,
  CircuitTransitionReason,
  CircuitSuccessEvent,
  CircuitFailureEvent,
  CircuitRejectEvent,
} from './breaker/circuit-breaker-events.js';
export { CircuitBreakerPolicy } from './breaker/circuit-breaker-policy.js';
export {
  CircuitBreakerRegistry,
  circuitBreakers,
  createCircuitBreaker,
  getCircuitBreaker,
} from './breaker/circuit-breaker-registry.js';
export { parseBreakerSnapshot, type BreakerSnapshot, type BreakerCounters } from './breaker/breaker-snapshot.js';
export {
  BulkheadPolicy,
  createBulkhead,
  type BulkheadOptions,
  type BulkheadRejectEvent,
  type BulkheadDequeueEvent,
  type BulkheadLimitChange,
} from './bulkhead/bulkhead-policy.js';
export { policyDecorator, retry, circuitBreaker, timeout, bulkhead, stackedPolicies } from './decorators/policy-decorators.js';
export { currentPolicyContext, runInPolicyContext } from './decorators/policy-call-context.js';
// resilience manager, fallback chains, stores, health report (manager)
export {
  ResilienceManager,
  type MonitorStatus,
} from './manager/resilience-manager.js';
export type { ResilienceConfig, ResourceKey } from './manager/resilience-config.js';
export { resolveResilienceConfig, type ResolvedResilienceConfig } from './manager/resolve-config.js';
export { validateResilienceConfig } from './manager/config-schema.js';
export type { ProviderCooldownEvent, ProviderFailureOptions } from './manager/provider-registry.js';
export type {
  ManagerEvents,
  FallbackExhaustedEvent,
  ResourceCircuitChange,
  ConcurrencyChange,
  ManagerWarning,
} from './manager/manager-events.js';
export {
  registerMonitorPlugin,
  getMonitorPlugin,
  type MonitorPluginFactory,
  type MonitorPluginContext,
} from './manager/monitor-plugins.js';
export { PendingMonitor, UnavailableMonitor } from './manager/unavailable-monitor.js';
export type { ManagerBreakerSource } from './manager/manager-breaker-source.js';
export { currentFallback, runWithFallbackContext, type FallbackContext } from './fallback/fallback-context.js';
export type { FallbackAttempt } from './fallback/fallback-attempt.js';
export { FallbackAction, type FallbackActionOptions, type FallbackActionInit } from './fallback/fallback-action.js';
export { DEFAULT_FALLBACK_CHAINS, DEFAULT_PROVIDERS } from './fallback/default-chains.js';
export { FallbackExhaustedError, type FallbackStepRecord, type ProviderVerdict } from './fallback/fallback-exhausted-error.js';
export { CallDeadlineError } from './fallback/call-deadline-error.js';
export { NoProviderAvailableError } from './fallback/steps/no-provider-available-error.js';
export { CacheMissError } from './fallback/steps/use-cache-step.js';
export type { FallbackStepEvent, CallIdentity } from './fallback/chain-types.js';
export {
  type FallbackHost,
  type ExecuteWithFallbackOptions,
} from './fallback/fallback-host.js';
export { withFallback, type WithFallbackOptions } from './fallback/with-fallback.js';
export { QueueFullError } from './queue/queue-full-error.js';
export { QueueTimeoutError } from './queue/queue-timeout-error.js';
export { QueueStoppedError } from './queue/queue-stopped-error.js';
export { QueuedRequestFailedError } from './queue/queued-request-failed-error.js';
export { currentReplay, type ReplayInfo } from './queue/current-replay.js';
export type { QueuedRequest, QueuedRequestStatus } from './queue/queued-request.js';
export type { QueueWarning } from './queue/queue-entry.js';
export type { StateStore } from './store/state-store.js';
export { MemoryStore } from './store/memory-store.js';
export { FileStore, type FileStoreOptions } from './store/file-store.js';
export type { CorruptEntry } from './store/corrupt-entry.js';
export { writeFileAtomic, type WriteFileAtomicOptions } from './store/write-file-atomic.js';
export {
  buildHealthReport,
  systemStatus,
  type HealthReport,
  type ResourceReport,
  type CircuitReport,
  type QueueReport,
  type QuarantinedFileReport,
  type ProviderReport,
  type ResourceHealthReport,
} from './health/health-report.js';
export type { MonitorSnapshot } from './health/monitor-state.js';
export type { MonitorStatusChange } from './health/monitor-scheduler.js';
export type { HysteresisOptions } from './health/hysteresis.js';
export { redactSecrets } from './redact/redact-secrets.js';
export { scrubError } from './redact/scrub-error.js';
export {
  createHealthHandler,
  serveHealth,
  type HealthSource,
  type HealthReportSource,
  type HealthRequestListener,
  type HealthHandlerOptions,
  type ServeHealthOptions,
  type HealthServer,
} from './health/health-http.js';
export {
  createLimitedServer,
  resolveServerLimits,
  type ServerLimits,
  type ServerLimitsOptions,
} from './server/server-limits.js';
export {
  toHealthCheckResponse,
  healthCheckStatus,
  type HealthCheckResponse,
  type HealthCheck,
  type HealthCheckStatus,
  type HealthCheckMeta,
} from './health/health-check-response.js';
export { createTeamLogger, logLevelFromEnv } from './logging/team-logger.js';
// error classification (policies-A; appended by llm, which imports it)
export { classifyError, registerErrorClassifier } from './classify/classify-error.js';
export { isErrorClassification, type ErrorClassification, type ErrorClassifier, type ErrorKind } from './classify/error-classification.js';
export { parseRetryAfterMs, type HeadersLike } from './classify/retry-after.js';
export { FailureMeaning, type RetryableOptions, type RetryAfterOptions } from './classify/failure-meaning.js';
// backoff, retry, timeout, rate limiter, chaos, wrap (policies-A)
export type { Backoff, BackoffContext } from './backoff/backoff.js';
export { FixedBackoff, type FixedBackoffOptions } from './backoff/fixed-backoff.js';
export { LinearBackoff, type LinearBackoffOptions } from './backoff/linear-backoff.js';
export { ExponentialBackoff, type ExponentialBackoffOptions, type Jitter } from './backoff/exponential-backoff.js';
export { seededRandom } from './backoff/seeded-random.js';
export {
  RetryPolicy,
  createRetry,
  type RetryOptions,
  type RetryPredicate,
  type ErrorClass,
  type RetryEvent,
  type GiveUpEvent,
} from './retry/retry-policy.js';
export { TimeoutPolicy, createTimeout, type TimeoutOptions, type TimeoutEvent } from './timeout/timeout-policy.js';
export {
  RateLimiterPolicy,
  type RateLimiterOptions,
  type RateLimiterExecuteOptions,
  type RateLimitRejectEvent,
} from './rate-limiter/rate-limiter-policy.js';
export {
  RateLimiterRegistry,
  rateLimiters,
  createRateLimiter,
  getRateLimiter,
} from './rate-limiter/rate-limiter-registry.js';
export { ChaosPolicy, createChaos, type ChaosOptions, type ChaosEvent } from './chaos/chaos-policy.js';
export { InjectedFaultError } from './chaos/injected-fault-error.js';
// hedging (task L)
export {
  HedgingPolicy,
  MAX_HEDGED_ATTEMPTS,
  createHedging,
  type HedgingOptions,
} from './hedging/hedging-policy.js';
export type { HedgeEvent, HedgeTrigger, AttemptLostEvent, HedgePredicate } from './hedging/hedged-call.js';
export { hedging } from './hedging/hedging-decorator.js';
export { HedgingExhaustedError, type HedgingGiveUpReason } from './errors/hedging-exhausted-error.js';
export { HedgeLostError } from './errors/hedge-lost-error.js';
// fallback policy (value fallback, cockatiel's `fallback`)
export {
  FallbackPolicy,
  createFallback,
  type FallbackPolicyOptions,
  type FallbackHandler,
  type FallbackPredicate,
  type FallbackEvent,
} from './fallback-policy/fallback-policy.js';
export { fallback, type FallbackDecorator, type FallbackFits } from './fallback-policy/fallback-decorator.js';
export { FallbackFailedError } from './errors/fallback-failed-error.js';
export type { PolicyLike, AlternativeResult } from './wrap/wrap.js';
export { WrappedPolicy, wrap } from './wrap/wrap.js';
export { runWithDeadline } from './clock/run-with-deadline.js';
// Helpers Rampart's integrations share with core: `@rampart/core/internal` (not the documented API).
