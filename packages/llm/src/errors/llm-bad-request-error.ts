import { LlmError, type LlmErrorDetails } from './llm-error.js';

/**
 * HTTP 400/413/422: the request itself is invalid, so no provider would take it: fail, no switch
 * (scope 'request'). HTTP 404 (model unknown to this provider) uses scope 'provider': switch.
 */
export class LlmBadRequestError extends LlmError {
  constructor(message: string, details: LlmErrorDetails & { scope?: 'request' | 'provider' }) {
    super(message, details, { kind: 'permanent', scope: details.scope ?? 'request' }, 'LlmBadRequestError');
  }
}
