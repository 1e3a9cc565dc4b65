import { TimeoutError } from '../errors/timeout-error.js';
import type { ResourceType } from '../resource/resource-types.js';
import { describeVerdict, type ProviderVerdict } from './fallback-exhausted-error.js';

/**
 * A guarded call (`execute`, `@withFallback`) reached its overall deadline (`deadlineMs`) before any
 * step answered. `providers` says where each of the call's providers stood then (tried and how it
 * failed, or skipped and why, until when); `cause` is the deadline's own {@link TimeoutError}, the
 * reason the call's signal aborted with. Classified as `timeout`, like every TimeoutError.
 */
export class CallDeadlineError extends TimeoutError {
  readonly resource: ResourceType;
  readonly providers: readonly ProviderVerdict[];

  constructor(resource: ResourceType, deadlineMs: number, providers: readonly ProviderVerdict[], options?: { cause?: unknown }) {
    const where = providers.length === 0 ? '' : `; ${providers.map(describeVerdict).join('; ')}`;
    super(deadlineMs, `${resource} call deadline of ${deadlineMs} ms passed${where}`, { cause: options?.cause, code: 'CallDeadlineError' });
    this.resource = resource;
    this.providers = Object.freeze([...providers]);
  }
}
