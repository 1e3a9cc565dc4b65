import type { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import type { BreakerCounters } from './breaker-snapshot.js';
import type { CircuitState } from './circuit-state.js';

/** Why the circuit changed state. `threshold`: the breaker kind's failure (or slow-call) threshold was reached. */
export type CircuitTransitionReason =
  | 'threshold'
  | 'tripped'
  | 'recovery_timeout'
  | 'probe_succeeded'
  | 'probe_failed'
  | 'isolated'
  | 'reset'
  | 'restored'
  | 'monitor_recovered';

export interface CircuitStateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Epoch ms. */
  readonly at: number;
  readonly reason: CircuitTransitionReason;
}

export interface CircuitSuccessEvent {
  readonly durationMs: number;
}

export interface CircuitFailureEvent {
  readonly error: unknown;
  /** False when `shouldCount` passed the error through (a permanent error, by default). */
  readonly counted: boolean;
  readonly durationMs: number;
}

export interface CircuitRejectEvent {
  readonly error: BrokenCircuitError;
  readonly state: CircuitState;
}

/** Lifetime counters plus rates over counted calls (`successRate` is 1 and `failureRate` 0 before any). */
export interface CircuitBreakerStats extends BreakerCounters {
  readonly successRate: number;
  readonly failureRate: number;
  readonly state: CircuitState;
  /** Epoch ms of the last state change; undefined if the state never changed. */
  readonly lastTransitionAt: number | undefined;
}
