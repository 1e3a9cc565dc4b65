import { RampartError } from '../errors/rampart-error.js';
import { redactString } from '../health/redact.js';
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
 * Where each of the call's providers stood when the chain gave up: `tried` (invoked by this call
 * and failed, `error` says how), `excluded` (failed permanently for this request), `cooling_down`,
 * `circuit_open` or `monitor_down` (skipped without being tried; `until` says when it may be used
 * again, wall-clock epoch ms, when known), `operation_excluded` (left out of calls of this call's
 * `operation` after an operation-scoped failure, until `until`; it takes other calls), or
 * `available` (usable, but no step of the chain was left to use it).
 */
export interface ProviderVerdict {
  readonly provider: string;
  readonly state: 'tried' | 'excluded' | 'cooling_down' | 'circuit_open' | 'monitor_down' | 'operation_excluded' | 'available';
  /** `operation_excluded`: the kind of operation the provider is left out of. */
  readonly operation?: string | undefined;
  /** Wall-clock epoch ms at which a skipped provider may be used again (cooldown end, half-open time). */
  readonly until?: number | undefined;
  /** The last error of a tried provider in this call. */
  readonly error?: unknown;
}

function errorText(error: unknown): string {
  const text = redactString(error instanceof Error ? error.message || error.name : String(error));
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** One provider's verdict, for the message: `openai: cooling down until 2026-12-07T01:02:03.000Z`. */
export function describeVerdict(v: ProviderVerdict): string {
  const until = v.until === undefined ? '' : ` until ${new Date(v.until).toISOString()}`;
  switch (v.state) {
    case 'tried':
      return `${v.provider}: failed (${errorText(v.error)})`;
    case 'excluded':
      return `${v.provider}: failed for this request (${errorText(v.error)})`;
    case 'cooling_down':
      return `${v.provider}: cooling down${until}`;
    case 'circuit_open':
      return `${v.provider}: circuit open${until}`;
    case 'monitor_down':
      return `${v.provider}: monitor reports it down`;
    case 'operation_excluded':
      return `${v.provider}: left out of '${v.operation ?? ''}' calls${until}`;
    default:
      return `${v.provider}: available, no step left to use it`;
  }
}

/**
 * Every step of a resource's fallback chain failed. `steps` lists each one tried with its error,
 * in order (starting with the primary call unless the chain ran proactively); `providers` says where
 * each of the call's providers stood (tried and how it failed, or skipped and why, until when);
 * `cause` is the error that started the chain.
 */
export class FallbackExhaustedError extends RampartError {
  readonly resource: ResourceType;
  readonly steps: readonly FallbackStepRecord[];
  /** Whether the chain ran before the call because monitors or a breaker reported the resource down. */
  readonly proactive: boolean;
  /** Every provider of the call, in order, with why it did not answer. Empty for a resource without providers. */
  readonly providers: readonly ProviderVerdict[];

  constructor(resource: ResourceType, steps: readonly FallbackStepRecord[], cause: unknown, proactive: boolean, providers: readonly ProviderVerdict[] = []) {
    const tried = steps.map((s) => (s.provider ? `${s.strategy}(${s.provider})` : s.strategy)).join(' → ');
    const where = providers.length === 0 ? '' : `; ${providers.map(describeVerdict).join('; ')}`;
    super(`All fallbacks for ${resource} failed${proactive ? ' (resource reported down)' : ''}: ${tried || 'no step could run'}${where}`, {
      cause,
      code: 'FallbackExhaustedError',
    });
    this.resource = resource;
    this.steps = steps;
    this.proactive = proactive;
    this.providers = Object.freeze([...providers]);
  }
}
