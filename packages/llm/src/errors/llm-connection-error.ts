import { FailureMeaning } from '@rampart/core';
import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * No (complete) answer: connection refused or reset, or a stream that ended without its terminal
 * event. Transient; with `providerDown` (the connection was refused, or the host has no route or no
 * address: nothing is there to answer) it means the provider is down for now
 * (`FailureMeaning.providerDown`), so a chain switches away from it at once and it cools down.
 */
export class LlmConnectionError extends LlmError {
  constructor(message: string, details: LlmErrorDetails, providerDown = false) {
    super(message, details, providerDown ? FailureMeaning.providerDown() : { kind: 'transient' }, 'LlmConnectionError');
  }
}
