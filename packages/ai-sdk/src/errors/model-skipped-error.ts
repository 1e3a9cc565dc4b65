import { FailureMeaning, RampartError } from '@rampart/core';

/**
 * Why a model could not take one call while staying usable for the others (`'unavailable'`: the model
 * a hedge was to ask went into a cooldown while the hedge's delay ran; no hedge is sent).
 */
export type ModelSkipReason = 'content-filter' | 'context-window' | 'unavailable';

/**
 * A model cannot take this call (its content filter withheld the answer and the policy is `'switch'`;
 * the prompt is longer than its window): the chain goes on to the next model, and the model is neither
 * cooled down nor counted by its breaker, since it serves other calls as before.
 */
export class ModelSkippedError extends RampartError {
  readonly model: string;
  readonly reason: ModelSkipReason;

  constructor(model: string, reason: ModelSkipReason, message: string, cause?: unknown) {
    // scope 'operation' with an operation no call names: switch, no cooldown, no breaker failure
    super(message, { cause, code: 'ModelSkippedError', classification: FailureMeaning.unusableFor(`ai-sdk:${reason}`) });
    this.model = model;
    this.reason = reason;
  }
}
