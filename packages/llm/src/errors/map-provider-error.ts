import { classifyError, parseRetryAfterMs } from '@rampart/core';
import { LlmAuthError } from './llm-auth-error.js';
import { LlmBadRequestError } from './llm-bad-request-error.js';
import { LlmConnectionError } from './llm-connection-error.js';
import { LlmContentFilteredError } from './llm-content-filtered-error.js';
import { LlmContextLengthError } from './llm-context-length-error.js';
import { LlmError, type LlmErrorDetails } from './llm-error.js';
import { LlmOverloadedError } from './llm-overloaded-error.js';
import { LlmQuotaExceededError } from './llm-quota-exceeded-error.js';
import { LlmRateLimitError } from './llm-rate-limit-error.js';
import { LlmServerError } from './llm-server-error.js';
import { LlmTimeoutError } from './llm-timeout-error.js';
import { redactSecrets, scrubErrorMessage } from './redact.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes of one SDK (`openai` and `@anthropic-ai/sdk` share the generated template). */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

export interface MapErrorContext {
  provider: string;
  sdk: SdkErrorClasses;
  /** Upper bound of a server's retry-after, in ms. */
  maxRetryAfterMs: number;
  nowEpochMs: number;
  /** Strings never to let into a message (the provider's API key). */
  secrets: readonly string[];
  /** The attempt's timeout, in ms, and whether it is what aborted the request. */
  timeoutMs?: number | undefined;
  timedOut?: boolean | undefined;
}

interface ApiErrorShape {
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  type?: unknown;
  code?: unknown;
  errorCode?: unknown;
  requestID?: unknown;
}

const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'prompt_too_long']);
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation']);
/** Message patterns, consulted only after status, type and code (wording can change). */
const CONTEXT_MESSAGE = /prompt is too long|maximum context length|context window|context length|too many (input )?tokens/i;
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The body's `error` object: OpenAI puts it in `err.error`, Anthropic wraps it (`err.error.error`). */
function innerError(err: ApiErrorShape): Record<string, unknown> | undefined {
  const e = err.error as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null) return undefined;
  const nested = e.error;
  return typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : e;
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Map an SDK error to an {@link LlmError}. Decides by error class, HTTP status and body `type`/`code`
 * (OpenAI `code`, Anthropic `error.type` and `details.error_code`); message text is consulted last, and
 * only to recognise a context-window error. Errors that are not provider failures are returned unchanged.
 */
export function mapProviderError(err: unknown, ctx: MapErrorContext): unknown {
  if (LlmError.isInstance(err)) return err;
  const { sdk, provider } = ctx;
  if (err instanceof sdk.APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    if (!ctx.timedOut) return err;
    return new LlmTimeoutError(`${provider}: no answer within ${ctx.timeoutMs} ms`, { provider, timeoutMs: ctx.timeoutMs, cause: err });
  }
  scrubErrorMessage(err, ctx.secrets);
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return new LlmTimeoutError(`${provider}: request timed out`, { provider, timeoutMs: ctx.timeoutMs, cause: err });
  }
  if (err instanceof sdk.APIConnectionError) {
    // refused, no route, no address (core reads the network code on the cause chain): nothing is there
    const down = classifyError(err).providerDown === true;
    return new LlmConnectionError(`${provider}: connection ${down ? 'refused or unreachable' : 'failed'}`, { provider, cause: err }, down);
  }
  if (!(err instanceof sdk.APIError)) {
    if (err instanceof SyntaxError) return new LlmServerError(`${provider}: response is not valid JSON`, { provider, cause: err });
    const code = networkCode(err);
    if (code) return new LlmConnectionError(`${provider}: connection lost (${code})`, { provider, cause: err }, classifyError(err).providerDown === true);
    return err;
  }
  const e = err as ApiErrorShape;
  const inner = innerError(e);
  const status = typeof e.status === 'number' ? e.status : undefined;
  const apiType = str(e.type) ?? str(inner?.type);
  const apiCode = str(e.errorCode) ?? str(e.code) ?? str(inner?.code);
  const apiMessage = redactSecrets(str(inner?.message) ?? '', ctx.secrets);
  const details: LlmErrorDetails = { provider, status, apiType, apiCode, requestId: str(e.requestID), cause: err };
  const label = [status === undefined ? 'in-stream error' : `HTTP ${status}`, apiType, apiCode].filter(Boolean).join(' ');
  const message = `${provider}: ${label}${apiMessage ? `: ${apiMessage}` : ''}`;
  const retryAfterMs = () => {
    const ms = parseRetryAfterMs(e.headers as Headers | undefined, ctx.nowEpochMs);
    return ms === undefined ? undefined : Math.min(ms, ctx.maxRetryAfterMs);
  };

  if (apiCode === 'insufficient_quota' || apiCode?.endsWith('spend_limit_reached') || status === 402 || apiType === 'billing_error') return new LlmQuotaExceededError(message, details);
  if (status === 429 || apiType === 'rate_limit_error') return new LlmRateLimitError(message, { ...details, retryAfterMs: retryAfterMs() });
  if (status === 529 || status === 503 || apiType === 'overloaded_error') return new LlmOverloadedError(message, { ...details, retryAfterMs: retryAfterMs() });
  if (status === 401 || status === 403 || apiType === 'authentication_error' || apiType === 'permission_error') return new LlmAuthError(message, details);
  if (status === 408 || status === 504 || apiType === 'timeout_error') return new LlmTimeoutError(message, details);
  if (apiCode !== undefined && CONTEXT_CODES.has(apiCode)) return new LlmContextLengthError(message, details);
  if (apiCode !== undefined && CONTENT_FILTER_CODES.has(apiCode)) return new LlmContentFilteredError(message, details);
  if (status === 404 || apiType === 'not_found_error') return new LlmBadRequestError(message, { ...details, scope: 'provider' });
  if (status !== undefined && status >= 500) return new LlmServerError(message, details);
  if (status === 400 || status === 413 || status === 422 || apiType === 'invalid_request_error') {
    if (CONTEXT_MESSAGE.test(apiMessage)) return new LlmContextLengthError(message, details);
    return new LlmBadRequestError(message, details);
  }
  if (status === 409) return new LlmServerError(message, details);
  if (status !== undefined && status >= 400) return new LlmBadRequestError(message, details);
  return new LlmServerError(message, details);
}
