import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockFault } from '../testing/mock-faults.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { LlmAuthError } from './llm-auth-error.js';
import { LlmBadRequestError } from './llm-bad-request-error.js';
import { LlmConnectionError } from './llm-connection-error.js';
import { LlmContextLengthError } from './llm-context-length-error.js';
import { LlmError } from './llm-error.js';
import { LlmOverloadedError } from './llm-overloaded-error.js';
import { LlmQuotaExceededError } from './llm-quota-exceeded-error.js';
import { LlmRateLimitError } from './llm-rate-limit-error.js';
import { LlmServerError } from './llm-server-error.js';
import { LlmTimeoutError } from './llm-timeout-error.js';
import { mapProviderError, type MapErrorContext } from './map-provider-error.js';

let server: MockProviderServer;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  server = await MockProviderServer.start();
  openai = new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL(), maxRetries: 0, timeout: 5000, logLevel: 'off' });
  anthropic = new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseURL(), maxRetries: 0, timeout: 5000, logLevel: 'off' });
});
afterAll(async () => {
  await server.close();
});

const NOW = Date.parse('2026-11-01T00:00:00Z');
const ctx = (provider: string, sdk: MapErrorContext['sdk'], extra: Partial<MapErrorContext> = {}): MapErrorContext => ({
  provider,
  sdk,
  maxRetryAfterMs: 5000,
  nowEpochMs: NOW,
  secrets: ['sk-live-super-secret-123'],
  ...extra,
});

async function openaiError(fault: MockFault): Promise<unknown> {
  server.provider('openai').enqueue(fault);
  const timeout = fault.type === 'hang' ? 100 : 5000;
  return openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a b c' }] }, { timeout }).then(() => undefined, (e: unknown) => e);
}

async function anthropicError(fault: MockFault): Promise<unknown> {
  server.provider('anthropic').enqueue(fault);
  const timeout = fault.type === 'hang' ? 100 : 5000;
  return anthropic.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'a b c' }] }, { timeout }).then(() => undefined, (e: unknown) => e);
}

const TABLE: Array<[MockFault, new (...a: never[]) => LlmError, object]> = [
  [{ type: 'rate_limit', retryAfterSeconds: 2 }, LlmRateLimitError, { kind: 'rate_limited', retryAfterMs: 2000 }],
  [{ type: 'overloaded' }, LlmOverloadedError, { kind: 'transient', providerDown: true }],
  [{ type: 'unavailable' }, LlmOverloadedError, { kind: 'transient', providerDown: true }],
  [{ type: 'server_error' }, LlmServerError, { kind: 'transient' }],
  [{ type: 'auth' }, LlmAuthError, { kind: 'permanent', scope: 'provider' }],
  [{ type: 'permission' }, LlmAuthError, { kind: 'permanent', scope: 'provider' }],
  [{ type: 'bad_request' }, LlmBadRequestError, { kind: 'permanent', scope: 'request' }],
  [{ type: 'context_length' }, LlmContextLengthError, { kind: 'permanent', scope: 'provider' }],
  [{ type: 'reset' }, LlmConnectionError, { kind: 'transient' }],
  [{ type: 'malformed' }, LlmServerError, { kind: 'transient' }],
  [{ type: 'hang' }, LlmTimeoutError, { kind: 'timeout' }],
];
const CASES = TABLE.map(([fault, errorClass, classification]) => ({ fault, errorClass, classification, name: errorClass.name }));

describe('mapProviderError', () => {
  it.each(CASES)('openai: $fault.type → $name', async ({ fault, errorClass, classification }) => {
    const mapped = mapProviderError(await openaiError(fault), ctx('openai', OpenAI));
    expect(mapped).toBeInstanceOf(errorClass);
    expect((mapped as LlmError).rampartClassification).toEqual(classification);
    expect(Object.hasOwn(mapped as object, 'rampartClassification')).toBe(true);
    expect((mapped as LlmError).provider).toBe('openai');
  });

  it.each(CASES)('anthropic: $fault.type → $name', async ({ fault, errorClass, classification }) => {
    const mapped = mapProviderError(await anthropicError(fault), ctx('anthropic', Anthropic));
    expect(mapped).toBeInstanceOf(errorClass);
    expect((mapped as LlmError).rampartClassification).toEqual(classification);
  });

  it('a refused connection (nothing listens on the port) means the provider is down: both SDKs', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const o = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, logLevel: 'off' });
    const a = new Anthropic({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0, logLevel: 'off' });
    const errors = await Promise.all([
      o.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a' }] }).then(() => undefined, (e: unknown) => mapProviderError(e, ctx('openai', OpenAI))),
      a.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'a' }] }).then(() => undefined, (e: unknown) => mapProviderError(e, ctx('anthropic', Anthropic))),
    ]);
    for (const mapped of errors) {
      expect(mapped).toBeInstanceOf(LlmConnectionError);
      expect((mapped as LlmError).rampartClassification).toEqual({ kind: 'transient', providerDown: true });
    }
  });

  it('prefers retry-after-ms, and bounds retry-after by maxRetryAfterMs', async () => {
    const precise = mapProviderError(await openaiError({ type: 'rate_limit', retryAfterSeconds: 2, retryAfterMs: 1500 }), ctx('openai', OpenAI));
    expect(precise).toMatchObject({ retryAfterMs: 1500 });
    const long = mapProviderError(await anthropicError({ type: 'rate_limit', retryAfterSeconds: 3600 }), ctx('anthropic', Anthropic));
    expect(long).toMatchObject({ retryAfterMs: 5000, rampartClassification: { kind: 'rate_limited', retryAfterMs: 5000 } });
  });

  it('decides by status and body type/code before message text', () => {
    const h = new Headers();
    const limited = new OpenAI.RateLimitError(429, { message: 'prompt is too long', type: 'requests', code: 'rate_limit_exceeded' }, undefined, h);
    expect(mapProviderError(limited, ctx('openai', OpenAI))).toBeInstanceOf(LlmRateLimitError);
    const ctxByCode = new OpenAI.BadRequestError(400, { message: 'something', type: 'invalid_request_error', code: 'context_length_exceeded' }, undefined, h);
    expect(mapProviderError(ctxByCode, ctx('openai', OpenAI))).toBeInstanceOf(LlmContextLengthError);
    const quota = new OpenAI.RateLimitError(429, { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }, undefined, h);
    expect(mapProviderError(quota, ctx('openai', OpenAI))).toBeInstanceOf(LlmQuotaExceededError);
    const plain400 = new Anthropic.BadRequestError(400, { type: 'error', error: { type: 'invalid_request_error', message: 'messages: bad' } }, undefined, h);
    expect(mapProviderError(plain400, ctx('anthropic', Anthropic))).toBeInstanceOf(LlmBadRequestError);
    const modelMissing = new Anthropic.NotFoundError(404, { type: 'error', error: { type: 'not_found_error', message: 'model: x' } }, undefined, h);
    expect(mapProviderError(modelMissing, ctx('anthropic', Anthropic))).toMatchObject({ rampartClassification: { kind: 'permanent', scope: 'provider' } });
  });

  it('classifies in-stream errors (no status) by body type', async () => {
    const inStream = new Anthropic.APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers(), 'overloaded_error');
    expect(mapProviderError(inStream, ctx('anthropic', Anthropic))).toBeInstanceOf(LlmOverloadedError);
    const openaiInStream = new OpenAI.APIError(undefined, { message: 'boom', type: 'server_error' }, undefined, new Headers());
    expect(mapProviderError(openaiInStream, ctx('openai', OpenAI))).toBeInstanceOf(LlmServerError);
  });

  it('returns non-provider errors and the caller abort unchanged', () => {
    const bug = new RangeError('bug');
    expect(mapProviderError(bug, ctx('openai', OpenAI))).toBe(bug);
    const abort = new OpenAI.APIUserAbortError();
    expect(mapProviderError(abort, ctx('openai', OpenAI))).toBe(abort);
    expect(mapProviderError(abort, ctx('openai', OpenAI, { timedOut: true, timeoutMs: 10 }))).toBeInstanceOf(LlmTimeoutError);
  });

  it('never lets a key into the message, the cause, inspect() or JSON', () => {
    const secret = 'sk-live-super-secret-123';
    const sdkError = new OpenAI.AuthenticationError(401, { message: `Incorrect API key provided: ${secret}. Also sk-proj-****abcd.`, type: 'invalid_request_error', code: 'invalid_api_key' }, undefined, new Headers());
    const mapped = mapProviderError(sdkError, ctx('openai', OpenAI)) as LlmError;
    expect(mapped).toBeInstanceOf(LlmAuthError);
    const everything = [mapped.message, String(mapped), inspect(mapped, { depth: 5 }), JSON.stringify(mapped), (mapped.cause as Error).message].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('sk-proj-****abcd');
    expect(mapped.message).toContain('[redacted]');
  });
});
