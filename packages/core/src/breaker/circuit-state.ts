/** The three states of a circuit breaker. */
export const CircuitState = Object.freeze({
  /** Calls flow; outcomes are recorded by the breaker kind. */
  Closed: 'closed',
  /** Calls fail fast with `BrokenCircuitError` until the recovery timeout passes (or until reset when isolated). */
  Open: 'open',
  /** A limited number of probe calls are admitted; their outcomes close or reopen the circuit. */
  HalfOpen: 'half_open',
} as const);

export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];
