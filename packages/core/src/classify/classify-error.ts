import { RampartError } from '../errors/rampart-error.js';
import type { Disposable } from '../policy/policy.js';
import { classifyAiSdkError, type AiSdkRules } from './ai-sdk-errors.js';
import { isErrorClassification, type ErrorClassification, type ErrorClassifier } from './error-classification.js';
import { parseRetryAfterMs, type HeadersLike } from './retry-after.js';

const TRANSIENT: ErrorClassification = Object.freeze({ kind: 'transient' });
const PERMANENT: ErrorClassification = Object.freeze({ kind: 'permanent' });
const PERMANENT_PROVIDER: ErrorClassification = Object.freeze({ kind: 'permanent', scope: 'provider' });
const TIMEOUT: ErrorClassification = Object.freeze({ kind: 'timeout' });
const RATE_LIMITED: ErrorClassification = Object.freeze({ kind: 'rate_limited' });
const PROVIDER_DOWN: ErrorClassification = Object.freeze({ kind: 'transient', providerDown: true });

/** Network codes that say the server is not there at all (nothing listens, no route, no such host). */
const PROVIDER_DOWN_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/** Network error codes that are worth retrying (Node errno codes and undici's socket errors). */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Programming errors: retrying them cannot help. */
const PERMANENT_NAMES: ReadonlySet<string> = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

let classifiers: readonly ErrorClassifier[] = [];

/**
 * Register a classifier consulted before every built-in rule; classifiers run in registration
 * order and the first that returns a classification wins. A classifier that throws is skipped.
 * Dispose the result to unregister.
 */
export function registerErrorClassifier(classifier: ErrorClassifier): Disposable {
  if (typeof classifier !== 'function') throw new TypeError('registerErrorClassifier expects a function');
  classifiers = [...classifiers, classifier];
  return {
    dispose: () => {
      classifiers = classifiers.filter((c) => c !== classifier);
    },
  };
}

/** Number of user classifiers registered (for tests and diagnostics). */
export function errorClassifierCount(): number {
  return classifiers.length;
}

function withRetryAfter(base: ErrorClassification, retryAfterMs: number | undefined): ErrorClassification {
  return retryAfterMs === undefined ? base : { ...base, retryAfterMs };
}

function retryAfterOf(err: Record<string, unknown>): number | undefined {
  const own = err.retryAfterMs;
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;
  const headers = err.headers ?? (err.response as Record<string, unknown> | undefined)?.headers;
  return typeof headers === 'object' && headers !== null ? parseRetryAfterMs(headers as HeadersLike) : undefined;
}

function statusOf(err: Record<string, unknown>): number | undefined {
  const s = err.status ?? err.statusCode ?? (err.response as Record<string, unknown> | undefined)?.status;
  return typeof s === 'number' && Number.isInteger(s) ? s : undefined;
}

function classifyRampart(err: RampartError): ErrorClassification | undefined {
  switch (err.code) {
    case 'TimeoutError':
      return TIMEOUT;
    case 'RateLimitedError':
      return withRetryAfter(RATE_LIMITED, retryAfterOf(err as unknown as Record<string, unknown>));
    case 'ConfigError':
      return PERMANENT;
    case 'BulkheadRejectedError':
      return TRANSIENT;
    case 'RetryExhaustedError':
    case 'HedgingExhaustedError':
      // an inner retry (or hedge) gave up: the outcome is what its last error was
      return err.cause === undefined ? TRANSIENT : classifyError(err.cause);
    case 'HedgeLostError':
      return PERMANENT;
    default:
      return undefined;
  }
}

function classifyHttp(status: number, retryAfterMs: () => number | undefined): ErrorClassification | undefined {
  if (status === 429) return withRetryAfter(RATE_LIMITED, retryAfterMs());
  if (status === 408 || (status >= 500 && status <= 599)) return withRetryAfter(TRANSIENT, retryAfterMs());
  if (status === 401 || status === 403) return PERMANENT_PROVIDER;
  if (status >= 400 && status <= 499) return PERMANENT;
  return undefined;
}

const AI_SDK_RULES: AiSdkRules = {
  classify: (err) => classifyError(err),
  http: (status, retryAfterMs) => classifyHttp(status, () => retryAfterMs),
};

/**
 * A network code on the error or its `cause` chain (fetch wraps them in a TypeError): one that says
 * the server is not there → transient with `providerDown`; another worth retrying → transient.
 */
function networkCodeClass(err: Record<string, unknown>): ErrorClassification | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as Record<string, unknown>).code;
    if (typeof code === 'string') {
      if (PROVIDER_DOWN_CODES.has(code)) return PROVIDER_DOWN;
      if (TRANSIENT_CODES.has(code)) return TRANSIENT;
    }
    e = (e as Record<string, unknown>).cause;
  }
  return undefined;
}

/**
 * Classify an error: what the failure means. Order: registered classifiers (first match wins); an own
 * `rampartClassification` property, set when the error was created (RampartError's `classification`
 * option, see `FailureMeaning`; BrokenCircuitError: transient, `providerDown`, `retryable: false`;
 * TimeoutError, RateLimitedError, ConfigError, BulkheadRejectedError and HedgeLostError carry theirs
 * too); Rampart's own errors by their stable `code`, never by class name (TimeoutError → timeout,
 * RateLimitedError → rate_limited with its retry-after, ConfigError → permanent,
 * BulkheadRejectedError → transient, RetryExhaustedError and
 * HedgingExhaustedError → their last error's class, HedgeLostError → permanent); the Vercel AI SDK's
 * errors by their `Symbol.for('vercel.ai.error.*')` markers (`AI_RetryError` → its last error's class;
 * `AI_APICallError` → by `statusCode` with retry-after from `responseHeaders`, a context-length 400 →
 * permanent with scope 'provider', a content-filter 400 → permanent; see `classifyAiSdkError`);
 * an `AbortError` (the caller cancelled) → permanent, a DOM `TimeoutError` → timeout;
 * HTTP `status`/`statusCode` (429 → rate_limited, 408 and 5xx → transient, 401/403 → permanent
 * with scope 'provider', other 4xx → permanent, retry-after read from `retryAfterMs` or
 * `headers`); network codes (also on the `cause` chain) ECONNREFUSED, EHOSTUNREACH, ENETUNREACH,
 * ENOTFOUND → transient with `providerDown`, ECONNRESET, ETIMEDOUT, EPIPE, EAI_AGAIN → transient; TypeError, RangeError, ReferenceError, SyntaxError → permanent;
 * anything else → transient.
 */
export function classifyError(err: unknown): ErrorClassification {
  for (const classify of classifiers) {
    let c: ErrorClassification | undefined;
    try {
      c = classify(err);
    } catch {
      continue;
    }
    if (c !== undefined && isErrorClassification(c)) return c;
  }
  if (typeof err !== 'object' || err === null) return TRANSIENT;
  const e = err as Record<string, unknown>;
  if (Object.hasOwn(e, 'rampartClassification') && isErrorClassification(e.rampartClassification)) {
    return e.rampartClassification;
  }
  if (RampartError.isInstance(err)) {
    const c = classifyRampart(err);
    if (c !== undefined) return c;
  }
  const aiSdk = classifyAiSdkError(err, AI_SDK_RULES);
  if (aiSdk !== undefined) return aiSdk;
  if (e.name === 'AbortError') return PERMANENT;
  if (e.name === 'TimeoutError') return TIMEOUT;
  const status = statusOf(e);
  if (status !== undefined) {
    const c = classifyHttp(status, () => retryAfterOf(e));
    if (c !== undefined) return c;
  }
  const network = networkCodeClass(e);
  if (network !== undefined) return network;
  if (typeof e.name === 'string' && PERMANENT_NAMES.has(e.name) && err instanceof Error) return PERMANENT;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) {
    return PERMANENT;
  }
  return TRANSIENT;
}
