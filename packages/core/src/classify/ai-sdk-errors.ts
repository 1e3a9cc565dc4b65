import type { ErrorClassification } from './error-classification.js';
import { parseRetryAfterMs, type HeadersLike } from './retry-after.js';

/**
 * The Vercel AI SDK's errors, recognised without a dependency on `ai`: every AI SDK error carries
 * `Symbol.for('vercel.ai.error')` = true and one `Symbol.for('vercel.ai.error.<name>')` = true
 * (its `isInstance` checks), and an explicit `name` such as `'AI_APICallError'` (set by the
 * constructor, so minifiers do not change it). The markers decide; `name` is read only with them.
 */
const AI_SDK_MARKER = Symbol.for('vercel.ai.error');

function hasMarker(err: object, name: string): boolean {
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return (err as Record<symbol, unknown>)[marker] === true;
}

/** True when `err` is an error created by the AI SDK (any major: the marker has not changed since 3). */
export function isAiSdkError(err: unknown): err is Record<string | symbol, unknown> {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[AI_SDK_MARKER] === true;
}

/** A 400/413 that says the prompt does not fit the model's window (OpenAI, Anthropic, Gemini, compatible servers). */
const CONTEXT_LENGTH = /context_length_exceeded|maximum context length|context window|prompt is too long|too many (?:input )?tokens|exceeds the (?:model'?s? )?(?:maximum|context)/i;

/** A 400 that says the provider's content filter refused the prompt (Azure OpenAI's `content_filter`, OpenAI's policy errors). */
const CONTENT_FILTER = /content_filter|content_policy_violation|content management policy|responsible ?ai ?policy|safety system/i;

const REQUEST_FAULT: ErrorClassification = Object.freeze({ kind: 'permanent', scope: 'request' });
const PROVIDER_UNUSABLE: ErrorClassification = Object.freeze({ kind: 'permanent', scope: 'provider' });

function textOf(e: Record<string | symbol, unknown>): string {
  const body = typeof e.responseBody === 'string' ? e.responseBody : '';
  const message = typeof e.message === 'string' ? e.message : '';
  return `${message}\n${body.slice(0, 4096)}`;
}

/** What an `APICallError`'s 400/413 means: the prompt is too long for this model, filtered, or plainly bad. */
function badRequestClass(e: Record<string | symbol, unknown>): ErrorClassification | undefined {
  const text = textOf(e);
  if (CONTEXT_LENGTH.test(text)) return PROVIDER_UNUSABLE; // another model, with a larger window, may take it
  if (CONTENT_FILTER.test(text)) return REQUEST_FAULT; // the request's content: a registered classifier may decide otherwise
  return undefined;
}

/** Which AI SDK failure an error is, for callers that choose a policy by it (content filter, context length). */
export type AiSdkFailureKind = 'context_length' | 'content_filter';

/** `'context_length'` / `'content_filter'` for an AI SDK `APICallError` (400/413) that says so; else undefined. */
export function aiSdkFailureKind(err: unknown): AiSdkFailureKind | undefined {
  if (!isAiSdkError(err) || !hasMarker(err, 'AI_APICallError')) return undefined;
  if (err.statusCode !== 400 && err.statusCode !== 413) return undefined;
  const text = textOf(err);
  if (CONTEXT_LENGTH.test(text)) return 'context_length';
  if (CONTENT_FILTER.test(text)) return 'content_filter';
  return undefined;
}

/** Callbacks into classifyError (passed in, so this module does not import it back). */
export interface AiSdkRules {
  classify(err: unknown): ErrorClassification;
  http(status: number, retryAfterMs: number | undefined): ErrorClassification | undefined;
}

/**
 * Classify an AI SDK error, or undefined to let the generic rules decide: `AI_RetryError` → its last
 * error's class (the SDK's own retries gave up: a RetryError of 429s is rate_limited, with the last
 * 429's retry-after); `AI_APICallError` → by `statusCode` with retry-after read from
 * `responseHeaders`, a context-length 400/413 → permanent with scope 'provider' (switch to another
 * model), a content-filter 400 → permanent with scope 'request'; no status (the request never got an
 * answer) → undefined, so network codes on its `cause` chain decide; `AI_LoadAPIKeyError`,
 * `AI_NoSuchModelError` → permanent with scope 'provider'.
 */
export function classifyAiSdkError(err: unknown, rules: AiSdkRules): ErrorClassification | undefined {
  if (!isAiSdkError(err)) return undefined;
  if (hasMarker(err, 'AI_RetryError')) {
    const errors = Array.isArray(err.errors) ? (err.errors as unknown[]) : [];
    const last = err.lastError ?? errors[errors.length - 1];
    return last === undefined || last === err ? undefined : rules.classify(last);
  }
  if (hasMarker(err, 'AI_APICallError')) {
    const status = err.statusCode;
    if (typeof status !== 'number' || !Number.isInteger(status)) return undefined;
    if (status === 400 || status === 413) {
      const c = badRequestClass(err);
      if (c !== undefined) return c;
    }
    const headers = err.responseHeaders;
    const retryAfterMs = typeof headers === 'object' && headers !== null ? parseRetryAfterMs(headers as HeadersLike) : undefined;
    return rules.http(status, retryAfterMs);
  }
  if (hasMarker(err, 'AI_LoadAPIKeyError') || hasMarker(err, 'AI_NoSuchModelError')) return PROVIDER_UNUSABLE;
  return undefined;
}
