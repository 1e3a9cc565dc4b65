import { RampartError } from '../errors/rampart-error.js';
import type { FallbackStrategy, ResourceType } from '../resource/resource-types.js';

/** One step a fallback chain tried, and why it did not answer. */
export interface FallbackStepRecord {
  /** The strategy, or 'primary' for the call itself. */
  readonly strategy: FallbackStrategy | 'primary';
  /** The provider the step used, when it invoked one. */
  readonly provider?: string | undefined;
  /** The degradation level the step used, when it invoked the method. */
  readonly degradation?: number | undefined;
  /** What the step failed with (the invocation's error, or why the step could not run). */
  readonly error: unknown;
}

/**
 * Every step of a resource's fallback chain failed. `steps` lists each one tried with its error,
 * in order (starting with the primary call unless the chain ran proactively); `cause` is the
 * error that started the chain.
 */
export class FallbackExhaustedError extends RampartError {
  readonly resource: ResourceType;
  readonly steps: readonly FallbackStepRecord[];
  /** Whether the chain ran before the call because monitors or a breaker reported the resource down. */
  readonly proactive: boolean;

  constructor(resource: ResourceType, steps: readonly FallbackStepRecord[], cause: unknown, proactive: boolean) {
    const tried = steps.map((s) => (s.provider ? `${s.strategy}(${s.provider})` : s.strategy)).join(' → ');
    super(`All fallbacks for ${resource} failed${proactive ? ' (resource reported down)' : ''}: ${tried || 'no step could run'}`, {
      cause,
    });
    this.resource = resource;
    this.steps = steps;
    this.proactive = proactive;
  }
}
