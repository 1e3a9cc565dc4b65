import { describe, expect, it } from 'vitest';
import { aiSdkFailureKind, isAiSdkError } from './ai-sdk-errors.js';
import { classifyError } from './classify-error.js';

/** An error shaped as the AI SDK creates it: `name` set explicitly, the two `Symbol.for` markers true. */
function aiError(name: string, fields: Record<string, unknown>): Error {
  const err = Object.assign(new Error(String(fields.message ?? name)), fields, { name });
  Object.defineProperty(err, Symbol.for('vercel.ai.error'), { value: true });
  Object.defineProperty(err, Symbol.for(`vercel.ai.error.${name}`), { value: true });
  return err;
}

function apiCallError(statusCode: number | undefined, fields: Record<string, unknown> = {}): Error {
  return aiError('AI_APICallError', { url: 'http://127.0.0.1/v1/chat/completions', requestBodyValues: {}, statusCode, isRetryable: statusCode === 429, ...fields });
}

describe('classifyError: the Vercel AI SDK errors', () => {
  it('reads retry-after from an APICallError responseHeaders (a plain record)', () => {
    expect(classifyError(apiCallError(429, { responseHeaders: { 'retry-after': '7' } }))).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(classifyError(apiCallError(503, { responseHeaders: { 'retry-after-ms': '250' } }))).toEqual({ kind: 'transient', retryAfterMs: 250 });
    expect(classifyError(apiCallError(500))).toEqual({ kind: 'transient' });
    expect(classifyError(apiCallError(401))).toEqual({ kind: 'permanent', scope: 'provider' });
    expect(classifyError(apiCallError(400, { responseBody: '{"error":{"message":"bad"}}' }))).toEqual({ kind: 'permanent' });
  });

  it('unwraps a RetryError to its last error (three 429s are rate_limited, with the last retry-after)', () => {
    const errors = [1, 2, 3].map((s) => apiCallError(429, { responseHeaders: { 'retry-after': String(s) } }));
    const retry = aiError('AI_RetryError', { reason: 'maxRetriesExceeded', errors, lastError: errors[2] });
    expect(classifyError(retry)).toEqual({ kind: 'rate_limited', retryAfterMs: 3000 });
    const notRetryable = aiError('AI_RetryError', { reason: 'errorNotRetryable', errors: [apiCallError(401)] });
    expect(classifyError(notRetryable)).toEqual({ kind: 'permanent', scope: 'provider' });
  });

  it('a context-length 400 switches to another model (scope provider); a content-filter 400 is the request', () => {
    const openaiBody = '{"error":{"message":"This model\'s maximum context length is 8192 tokens","code":"context_length_exceeded"}}';
    const anthropicBody = '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 250000 tokens > 200000 maximum"}}';
    for (const responseBody of [openaiBody, anthropicBody]) {
      const err = apiCallError(400, { responseBody });
      expect(classifyError(err)).toEqual({ kind: 'permanent', scope: 'provider' });
      expect(aiSdkFailureKind(err)).toBe('context_length');
    }
    const filtered = apiCallError(400, { responseBody: '{"error":{"code":"content_filter","message":"The response was filtered"}}' });
    expect(classifyError(filtered)).toEqual({ kind: 'permanent', scope: 'request' });
    expect(aiSdkFailureKind(filtered)).toBe('content_filter');
    expect(aiSdkFailureKind(apiCallError(400, { responseBody: 'nope' }))).toBeUndefined();
  });

  it('an APICallError without a status (the request got no answer) is classed by the network code of its cause', () => {
    const refused = apiCallError(undefined, { cause: new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }) });
    expect(classifyError(refused)).toEqual({ kind: 'transient', providerDown: true });
  });

  it('decides by the markers, not by the name: a look-alike without markers gets the generic rules', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'AI_APICallError', statusCode: 429, responseHeaders: { 'retry-after': '7' } });
    expect(isAiSdkError(lookAlike)).toBe(false);
    expect(classifyError(lookAlike)).toEqual({ kind: 'rate_limited' });
    expect(classifyError(aiError('AI_NoSuchModelError', { modelId: 'x', modelType: 'languageModel' }))).toEqual({ kind: 'permanent', scope: 'provider' });
    expect(classifyError(aiError('AI_LoadAPIKeyError', {}))).toEqual({ kind: 'permanent', scope: 'provider' });
  });
});
