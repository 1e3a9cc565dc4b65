import { RampartError, type ErrorClassification } from '@rampart/core';

/** Facts about a provider failure carried by every {@link LlmError}. Never holds a secret. */
export interface LlmErrorDetails {
  /** Configured provider name (`openai`, `anthropic`, `local`, …). */
  provider: string;
  /** HTTP status, when the provider answered; undefined for connection failures and in-stream errors. */
  status?: number | undefined;
  /** The error body's `type` (`rate_limit_error`, `overloaded_error`, `invalid_request_error`, …). */
  apiType?: string | undefined;
  /** The error body's `code` (OpenAI `context_length_exceeded`, Anthropic `details.error_code`). */
  apiCode?: string | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/**
 * Base of the errors `@rampart/llm` throws for provider failures. Each sets an own
 * `rampartClassification` when it is created, which is what fallback chains and retry policies
 * decide by; it never changes afterwards (whether to switch rather than wait out a retry-after is
 * the chain's decision, not the error's).
 */
export class LlmError extends RampartError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly apiType: string | undefined;
  readonly apiCode: string | undefined;
  readonly requestId: string | undefined;
  declare readonly rampartClassification: ErrorClassification;

  /** `code`: the error's stable name (default `'LlmError'`); each subclass passes its own, which minifiers leave alone. */
  constructor(message: string, details: LlmErrorDetails, classification: ErrorClassification, code = 'LlmError') {
    super(message, { cause: details.cause, classification, code });
    this.provider = details.provider;
    this.status = details.status;
    this.apiType = details.apiType;
    this.apiCode = details.apiCode;
    this.requestId = details.requestId;
  }
}
