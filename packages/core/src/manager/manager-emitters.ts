import { EventEmitter } from '../events/event.js';
import type { FallbackStepEvent } from '../fallback/chain-types.js';
import type { QueueWarning } from '../queue/queue-entry.js';
import type { ConcurrencyChange, FallbackExhaustedEvent, ManagerWarning, ResourceCircuitChange } from './manager-events.js';

/**
 * The emitters behind a manager's own events (the others come from its scheduler, provider
 * registry and queue). The manager exposes their `event`s; its parts fire them.
 */
export class ManagerEmitters {
  readonly steps = new EventEmitter<FallbackStepEvent>();
  readonly exhausted = new EventEmitter<FallbackExhaustedEvent>();
  readonly circuits = new EventEmitter<ResourceCircuitChange>();
  readonly concurrency = new EventEmitter<ConcurrencyChange>();
  readonly warnings = new EventEmitter<ManagerWarning | QueueWarning>();

  /** Something went wrong in the manager's own machinery (persistence, a plugin). */
  warn(message: string, error?: unknown): void {
    this.warnings.fire({ message, error });
  }
}
