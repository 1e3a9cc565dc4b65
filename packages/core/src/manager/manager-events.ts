import type { CircuitTransitionReason } from '../breaker/circuit-breaker-events.js';
import type { CircuitState } from '../breaker/circuit-state.js';
import type { Event } from '../events/event.js';
import type { FallbackStepEvent } from '../fallback/chain-types.js';
import type { FallbackExhaustedError } from '../fallback/fallback-exhausted-error.js';
import type { MonitorStatusChange } from '../health/monitor-scheduler.js';
import type { QueuedRequest } from '../queue/queued-request.js';
import type { QueueWarning } from '../queue/queue-entry.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import type { ProviderCooldownEvent } from './provider-registry.js';

/** A fallback chain found no answer. */
export interface FallbackExhaustedEvent {
  readonly resource: ResourceTypeName;
  readonly key: string | undefined;
  readonly error: FallbackExhaustedError;
}

/** A circuit breaker of the manager (one per provider, or per resource type without providers) changed state. */
export interface ResourceCircuitChange {
  readonly resource: ResourceTypeName;
  /** The provider whose breaker it is; undefined for the resource-level breaker of a type without providers. */
  readonly provider?: string | undefined;
  /** The breaker's name: `${team}/${resource}/${provider}`, or `${team}/${resource}`. */
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: CircuitTransitionReason | 'circuit_break_step';
}

/** SCALE_DOWN changed (or scaling back up restored) a resource's concurrency. */
export interface ConcurrencyChange {
  readonly resource: ResourceTypeName;
  readonly from: number;
  readonly to: number;
  readonly reason: 'scale_down' | 'recovered';
}

/** Something went wrong in the manager's own machinery (persistence, a plugin). */
export interface ManagerWarning {
  readonly message: string;
  readonly error?: unknown;
  readonly requestId?: string | undefined;
}

/** The typed events a {@link ResilienceManager} emits; logging subscribes to these. */
export interface ManagerEvents {
  readonly onStatusChange: Event<MonitorStatusChange>;
  readonly onFallbackStep: Event<FallbackStepEvent>;
  readonly onFallbackExhausted: Event<FallbackExhaustedEvent>;
  readonly onCircuitStateChange: Event<ResourceCircuitChange>;
  readonly onConcurrencyChange: Event<ConcurrencyChange>;
  readonly onProviderCooldown: Event<ProviderCooldownEvent>;
  readonly onRequestQueued: Event<QueuedRequest>;
  readonly onQueuedRequestSettled: Event<QueuedRequest>;
  readonly onWarning: Event<ManagerWarning | QueueWarning>;
}
