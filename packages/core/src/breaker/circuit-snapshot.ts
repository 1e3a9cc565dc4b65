import type { Clock } from '../clock/clock.js';
import { ConfigError } from '../errors/config-error.js';
import type { Breaker } from './breaker.js';
import { parseBreakerSnapshot, type BreakerSnapshot } from './breaker-snapshot.js';
import type { CallCounters } from './call-counters.js';
import { CircuitState } from './circuit-state.js';

/** The parts of a circuit breaker policy that a snapshot reads and a restore loads into. */
export interface CircuitParts {
  readonly name: string;
  readonly clock: Clock;
  readonly counters: CallCounters;
  readonly breaker: Breaker;
}

/** A circuit's state fields, as a snapshot carries them. */
export interface CircuitStateFields {
  readonly state: CircuitState;
  readonly isolated: boolean;
  /** Epoch ms at which an open, not isolated circuit admits probes. */
  readonly halfOpenAt: number | undefined;
  /** Epoch ms of the last state change. */
  readonly lastTransitionAt: number | undefined;
}

/** The state a restored circuit takes on: the snapshot's fields rebased onto this process's clock. */
export interface RestoredCircuit extends CircuitStateFields {
  /** Monotonic ms at which the restored open circuit admits probes. */
  readonly openUntil: number;
  /** Epoch ms of the restore. */
  readonly at: number;
}

/** `state` as plain JSON, with the counters and the breaker kind's outcomes (see `CircuitBreakerPolicy.snapshot`). */
export function takeCircuitSnapshot(parts: CircuitParts, state: CircuitStateFields): BreakerSnapshot {
  return {
    version: 1,
    name: parts.name,
    state: state.state,
    isolated: state.isolated,
    halfOpenAt: state.state === CircuitState.Open ? state.halfOpenAt : undefined,
    lastTransitionAt: state.lastTransitionAt,
    takenAt: parts.clock.wallNow(),
    counters: parts.counters.toJSON(),
    window: parts.breaker.snapshot(parts.clock.now()),
  };
}

/**
 * Check `snapshot` (ConfigError when malformed or another circuit's), load its counters and the
 * breaker kind's outcomes into `parts` (outcomes written by another kind are dropped: the breaker is
 * reset), and return the state the circuit takes on. An open circuit keeps its epoch `halfOpenAt`.
 */
export function restoreCircuitParts(parts: CircuitParts, snapshot: BreakerSnapshot): RestoredCircuit {
  const s = parseBreakerSnapshot(snapshot);
  if (s.name !== parts.name) throw new ConfigError('snapshot.name', `belongs to circuit "${s.name}", not "${parts.name}"`, s.name);
  const now = parts.clock.now();
  const wall = parts.clock.wallNow();
  parts.counters.load(s.counters);
  if (!parts.breaker.restore(s.window, now - Math.max(0, wall - s.takenAt))) parts.breaker.reset();
  const halfOpenAt = s.state === CircuitState.Open && !s.isolated ? s.halfOpenAt : undefined;
  return {
    state: s.state,
    isolated: s.isolated,
    halfOpenAt,
    openUntil: now + Math.max(0, (halfOpenAt ?? wall) - wall),
    lastTransitionAt: s.lastTransitionAt,
    at: wall,
  };
}
