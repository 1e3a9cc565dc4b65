import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * The provider withheld the answer (OpenAI finish_reason `content_filter`, Anthropic stop_reason
 * `refusal`). Permanent for the request: Rampart does not shop the request around to other providers.
 */
export class LlmContentFilteredError extends LlmError {
  /** Whatever text the provider returned before filtering. */
  readonly partialText: string;

  constructor(message: string, details: LlmErrorDetails & { partialText?: string }) {
    super(message, details, { kind: 'permanent', scope: 'request' }, 'LlmContentFilteredError');
    this.partialText = details.partialText ?? '';
  }
}
