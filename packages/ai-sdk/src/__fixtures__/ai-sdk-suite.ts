import { createServer } from 'node:net';
import { classifyError, createRetry, FixedBackoff } from '@rampart/core';
import { MockProviderServer } from '@rampart/llm/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rampartMiddleware } from '../middleware.js';
import { createResilientModel } from '../resilient-model.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { LanguageModelLike, StreamPartLike } from '../types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- one suite for two majors of `ai`, whose types differ */
/** The parts of one major of `ai` and its providers the suite uses (`ai6` + `@ai-sdk/*` 3, or `ai7` + 4). */
export interface AiSdk {
  major: 6 | 7;
  middlewareVersion: 'v3' | 'v4';
  generateText: (options: any) => Promise<any>;
  streamText: (options: any) => any;
  generateObject: (options: any) => Promise<any>;
  streamObject: (options: any) => any;
  wrapLanguageModel: (options: any) => any;
  tool: (options: any) => any;
  stepCountIs: (n: number) => any;
  createOpenAI: (options: any) => { chat(model: string): LanguageModelLike };
  createAnthropic: (options: any) => (model: string) => LanguageModelLike;
  APICallError: new (options: any) => Error;
  RetryError: new (options: any) => Error;
}

/** The own manager's configuration: no log lines (the chain's exhausted calls log a warning). */
const SILENT = { env: { RAMPART_LOG_LEVEL: 'silent' } };

/** A loopback port nothing listens on (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/**
 * The behaviour of createResilientModel and rampartMiddleware through the AI SDK's public API, with
 * the real @ai-sdk/openai and @ai-sdk/anthropic providers against the loopback MockProviderServer.
 */
export function aiSdkSuite(sdk: AiSdk): void {
  let mock: MockProviderServer;
  let refusedPort: number;
  const names = ['primary', 'secondary', 'big'];
  beforeAll(async () => {
    mock = await MockProviderServer.start();
    refusedPort = await closedPort();
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.clearRequests();
    for (const p of names) mock.provider(p).reset();
  });

  const openai = (name: string, model = `gpt-${name}`) => sdk.createOpenAI({ baseURL: mock.openaiBaseURL(name), apiKey: 'sk-test' }).chat(model);
  const anthropic = (name: string, model = `claude-${name}`) => sdk.createAnthropic({ baseURL: `${mock.anthropicBaseURL(name)}/v1`, apiKey: 'sk-test' })(model);
  const pair = (options: Record<string, unknown> = {}) =>
    createResilientModel({ resilience: SILENT, models: [{ name: 'primary', model: openai('primary') }, { name: 'secondary', model: anthropic('secondary') }], timeoutMs: 2_000, ...options });
  const count = (provider: string) => mock.count({ provider });

  describe(`createResilientModel with ai ${sdk.major}`, () => {
    it('answers from the primary; a 429 switches to the secondary and no request reaches the primary inside its retry-after', async () => {
      const model = pair();
      try {
        expect((await sdk.generateText({ model, prompt: 'hello' })).text).toBe('primary/gpt-primary: hello');
        mock.provider('primary').enqueue({ type: 'rate_limit', retryAfterSeconds: 30 });
        expect((await sdk.generateText({ model, prompt: 'storm' })).text).toBe('secondary/claude-secondary: storm');
        for (let i = 0; i < 3; i++) await sdk.generateText({ model, prompt: `more ${i}` });
        expect(count('primary')).toBe(2); // the ok one and the 429, nothing inside the 30 s window
        expect(count('secondary')).toBe(4);
      } finally {
        await model.close();
      }
    });

    it('makes exactly one upstream request per attempt: the AI SDK maxRetries does not stack on the chain', async () => {
      const requests: number[] = [];
      for (const maxRetries of [0, 2, 5]) {
        mock.clearRequests();
        for (const p of ['primary', 'secondary']) mock.provider(p).setFaultRate(1, [{ type: 'server_error' }]);
        // a failed model stays cooled down for the whole call and nothing waits for one, so the count is
        // the chain's alone, not how many cooldowns happen to end inside a deadline on a loaded machine
        const model = pair({ deadlineMs: 2_000, resilience: { ...SILENT, transientCooldownMs: 60_000, maxProviderWaitMs: 0, fallbackStrategies: { api_quota: [{ strategy: 'retry', maxAttempts: 2, backoff: 'fixed', baseDelayMs: 1 }, { strategy: 'switch_provider' }] } } });
        try {
          const err = await rejection(sdk.generateText({ model, prompt: 'x', maxRetries }));
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).name).not.toBe('AI_RetryError');
        } finally {
          await model.close();
        }
        requests.push(mock.requests.length);
        expect(mock.requests.every((r) => r.retryCount === undefined || r.retryCount === 0)).toBe(true);
      }
      // the same number of requests whatever maxRetries says: the chain's attempts alone
      expect(new Set(requests).size).toBe(1);
      // primary and secondary in the first attempt, the retry's one on the primary; then no model is left
      expect(requests[0]).toBe(3);
      console.log(`[ai ${sdk.major}] upstream requests for one failing call, maxRetries 0/2/5: ${requests.join('/')}`);
    });

    it('switches on 503, on a refused connection and on a hang (per-attempt timeout)', async () => {
      const refused = sdk.createOpenAI({ baseURL: `http://127.0.0.1:${refusedPort}/v1`, apiKey: 'sk-test' }).chat('gone');
      const model = createResilientModel({ resilience: SILENT, models: [{ name: 'primary', model: refused }, { name: 'secondary', model: anthropic('secondary') }], timeoutMs: 2_000 });
      try {
        const started = performance.now();
        expect((await sdk.generateText({ model, prompt: 'refused' })).text).toBe('secondary/claude-secondary: refused');
        console.log(`[ai ${sdk.major}] connection refused → answer from the secondary in ${(performance.now() - started).toFixed(1)} ms`);
      } finally {
        await model.close();
      }
      for (const fault of [{ type: 'unavailable' }, { type: 'hang' }] as const) {
        const m = pair({ timeoutMs: 2_000 }); // the secondary's answer must come within it too, on a loaded machine
        try {
          mock.provider('primary').enqueue(fault);
          expect((await sdk.generateText({ model: m, prompt: fault.type })).text).toBe(`secondary/claude-secondary: ${fault.type}`);
        } finally {
          await m.close();
        }
      }
    });

    it('streamText switches before the first chunk (429, cut before output) and the caller sees one answer', async () => {
      const model = pair();
      try {
        mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 0 });
        const s = sdk.streamText({ model, prompt: 'one two three' });
        let text = '';
        for await (const t of s.textStream) text += t;
        expect(text).toBe('secondary/claude-secondary: one two three');
        expect(count('primary')).toBe(1);
        expect(count('secondary')).toBe(1);
      } finally {
        await model.close();
      }
    });

    it('streamText after output started: a typed error with what was received, never a second model spliced on', async () => {
      const model = pair();
      try {
        mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
        const errors: unknown[] = [];
        const s = sdk.streamText({ model, prompt: 'alpha beta gamma delta', onError: ({ error }: { error: unknown }) => errors.push(error) });
        let text = '';
        const failure = await rejection(
          (async () => {
            for await (const t of s.textStream) text += t;
            await s.text;
          })(),
        ).catch((e: unknown) => e);
        const err = (errors[0] ?? failure) as StreamInterruptedError;
        expect(err).toBeInstanceOf(StreamInterruptedError);
        expect(err.code).toBe('StreamInterruptedError');
        expect(err.model).toBe('primary');
        expect(err.textSoFar).toBe(text);
        expect(text.length).toBeGreaterThan(0);
        expect(classifyError(err)).toEqual({ kind: 'permanent', scope: 'request' });
        expect(count('secondary')).toBe(0);
      } finally {
        await model.close();
      }
    });

    it("streamResume 'continue' (opt-in) continues a text-only stream on the next model, without repeating", async () => {
      const model = pair({ streamResume: 'continue' });
      try {
        mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
        const s = sdk.streamText({ model, prompt: 'alpha beta gamma' });
        const parts: string[] = [];
        for await (const t of s.textStream) parts.push(t);
        const text = parts.join('');
        // the secondary continues the cut answer (the mock continues a prefill as a model does): one
        // answer, nothing repeated, nothing missing
        expect(text).toBe('primary/gpt-primary: alpha beta gamma');
        const continuation = mock.requests.find((r) => r.provider === 'secondary')!.body as { messages: Array<{ role: string }> };
        expect(continuation.messages.at(-1)!.role).toBe('assistant'); // the text so far, sent as the answer's start
      } finally {
        await model.close();
      }
    });

    it('tool calling: the tool call and the answer after it go through the chain', async () => {
      const model = pair();
      try {
        mock.provider('primary').enqueue({ type: 'rate_limit', retryAfterSeconds: 30 });
        const lookup = sdk.tool({ description: 'look something up', inputSchema: z.object({ query: z.string() }), execute: async ({ query }: { query: string }) => `found ${query}` });
        const r = await sdk.generateText({ model, prompt: 'weather', tools: { lookup }, stopWhen: sdk.stepCountIs(3) });
        expect(r.steps[0].toolCalls[0].toolName).toBe('lookup');
        expect(r.text).toBe('secondary/claude-secondary: tool said found weather');
      } finally {
        await model.close();
      }
    });

    it('generateObject and streamObject', async () => {
      const schema = z.object({ query: z.string() });
      // the Anthropic provider's JSON tool mode: the mock answers with a call of the first tool offered
      const providerOptions = { anthropic: { structuredOutputMode: 'jsonTool' } };
      for (const kind of ['generate', 'stream'] as const) {
        const model = createResilientModel({ resilience: SILENT, models: [{ name: 'primary', model: anthropic('primary') }, { name: 'secondary', model: anthropic('secondary') }] });
        try {
          if (kind === 'generate') {
            mock.provider('primary').enqueue({ type: 'overloaded' });
            const r = await sdk.generateObject({ model, schema, prompt: 'structured', providerOptions });
            expect(r.object).toEqual({ query: 'structured' });
          } else {
            mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 0 });
            const s = sdk.streamObject({ model, schema, prompt: 'streamed', providerOptions });
            const partials: unknown[] = [];
            for await (const partial of s.partialObjectStream) partials.push(partial);
            expect(partials.at(-1)).toEqual({ query: 'streamed' });
            expect(await s.object).toEqual({ query: 'streamed' });
          }
          expect(count('secondary')).toBe(1);
        } finally {
          await model.close();
          mock.clearRequests();
        }
      }
    });

    it('a context-length 400 switches to a model with a larger window, skipping one no larger', async () => {
      mock.provider('primary').configure({ contextWindowTokens: 3 });
      mock.provider('secondary').configure({ contextWindowTokens: 3 });
      const model = createResilientModel({
        models: [
          { name: 'primary', model: openai('primary'), contextWindow: 8_000 },
          { name: 'secondary', model: anthropic('secondary'), contextWindow: 8_000 },
          { name: 'big', model: openai('big'), contextWindow: 200_000 },
        ],
      });
      try {
        const r = await sdk.generateText({ model, prompt: 'a prompt far too long for the small models' });
        expect(r.text.startsWith('big/gpt-big:')).toBe(true);
        expect(count('secondary')).toBe(0);
        // the small model was not cooled down: a short prompt is answered by it
        expect((await sdk.generateText({ model, prompt: 'short' })).text).toBe('primary/gpt-primary: short');
      } finally {
        await model.close();
      }
    });

    it('hedging (opt-in): a hung primary is answered by the next model after the delay, the loser aborted, within the cap', async () => {
      const model = pair({ timeoutMs: 10_000, hedging: { delayMs: 50, maxExtraPercent: 50 } });
      try {
        mock.provider('primary').enqueue({ type: 'hang' });
        const started = performance.now();
        expect((await sdk.generateText({ model, prompt: 'hedged' })).text).toBe('secondary/claude-secondary: hedged');
        expect(performance.now() - started).toBeLessThan(5_000); // far below the 10 s attempt timeout
        expect(count('primary')).toBe(1);
        expect(count('secondary')).toBe(1);
        // the aborted loser is not the primary's failure: it does not cool down
        expect(model.manager.isProviderAvailable('api_quota', 'primary')).toBe(true);
        // a healthy primary answers within the delay: no hedge, one request
        mock.clearRequests();
        expect((await sdk.generateText({ model, prompt: 'plain' })).text).toBe('primary/gpt-primary: plain');
        expect(mock.requests.length).toBe(1);
      } finally {
        await model.close();
      }
      // with no budget for extra requests, the hung primary is waited for until its attempt timeout
      // (a 2 s attempt timeout: the secondary's answer must come within it too, on a loaded machine)
      const capped = pair({ timeoutMs: 2_000, hedging: { delayMs: 10, maxExtraPercent: 0 } });
      try {
        mock.clearRequests();
        mock.provider('primary').enqueue({ type: 'hang' });
        const started = performance.now();
        expect((await sdk.generateText({ model: capped, prompt: 'capped' })).text).toBe('secondary/claude-secondary: capped');
        expect(performance.now() - started).toBeGreaterThanOrEqual(1_990);
      } finally {
        await capped.close();
      }
    });

    it('hedging streamText: a hung primary stream is raced until the first output, the text comes from one model', async () => {
      const model = pair({ timeoutMs: 10_000, hedging: { delayMs: 50, maxExtraPercent: 100 } });
      try {
        mock.provider('primary').enqueue({ type: 'hang' });
        let text = '';
        for await (const t of sdk.streamText({ model, prompt: 'raced stream' }).textStream) text += t;
        expect(text).toBe('secondary/claude-secondary: raced stream');
        expect(count('primary')).toBe(1);
        expect(count('secondary')).toBe(1);
        expect(model.manager.isProviderAvailable('api_quota', 'primary')).toBe(true);
        // a primary that shows output within a long delay is read alone
        mock.clearRequests();
        const hedgedLate = pair({ hedging: { delayMs: 5_000, maxExtraPercent: 100 } });
        try {
          let again = '';
          for await (const t of sdk.streamText({ model: hedgedLate, prompt: 'fast stream' }).textStream) again += t;
          expect(again).toBe('primary/gpt-primary: fast stream');
          expect(mock.requests.length).toBe(1);
        } finally {
          await hedgedLate.close();
        }
      } finally {
        await model.close();
      }
    });

    it('a stream silent after output (no next part within timeoutMs) ends with a StreamInterruptedError', async () => {
      // 2 s: the first chunk must come within it (else the call switches before output), however loaded the machine
      const model = pair({ timeoutMs: 2_000 });
      try {
        mock.provider('primary').enqueue({ type: 'stream_hang', afterChunks: 2 });
        let received = '';
        const err = await rejection(
          (async () => {
            for await (const piece of sdk.streamText({ model, prompt: 'slow stream here', onError: () => undefined }).textStream) received += piece;
          })(),
        );
        expect(err).toBeInstanceOf(StreamInterruptedError);
        expect((err as StreamInterruptedError).textSoFar).toBe(received);
        expect(String((err as Error).message)).toMatch(/2000 ms/);
      } finally {
        await model.close();
      }
    });

    it("contentFilter 'switch' asks the next model when the answer was withheld; the default returns it", async () => {
      for (const contentFilter of ['switch', 'return'] as const) {
        const model = pair({ contentFilter });
        try {
          mock.provider('primary').enqueue({ type: 'content_filter' });
          const r = await sdk.generateText({ model, prompt: 'filtered' });
          if (contentFilter === 'switch') expect(r.text).toBe('secondary/claude-secondary: filtered');
          else expect(r.finishReason).toBe('content-filter');
          // the filtering model is not cooled down: the next call goes to it
          expect((await sdk.generateText({ model, prompt: 'next' })).text).toBe('primary/gpt-primary: next');
        } finally {
          await model.close();
          mock.clearRequests();
        }
      }
    });

    it('cache: true lets USE_CACHE answer an identical call when every model fails', async () => {
      const model = pair({ cache: true, resilience: { ...SILENT, fallbackStrategies: { api_quota: [{ strategy: 'switch_provider' }, { strategy: 'use_cache' }] } } });
      try {
        expect((await sdk.generateText({ model, prompt: 'remember me' })).text).toBe('primary/gpt-primary: remember me');
        for (const p of ['primary', 'secondary']) mock.provider(p).setFaultRate(1, [{ type: 'server_error' }]);
        expect((await sdk.generateText({ model, prompt: 'remember me' })).text).toBe('primary/gpt-primary: remember me');
        expect(await rejection(sdk.generateText({ model, prompt: 'never asked before' }))).toBeInstanceOf(Error);
      } finally {
        await model.close();
      }
    });

    it('classifies the AI SDK errors it sees (real classes)', () => {
      const limited = new sdk.APICallError({ message: 'limited', url: 'u', requestBodyValues: {}, statusCode: 429, responseHeaders: { 'retry-after': '7' } });
      expect(classifyError(limited)).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
      const retry = new sdk.RetryError({ message: 'gave up', reason: 'maxRetriesExceeded', errors: [limited, limited, limited] });
      expect(classifyError(retry)).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
    });
  });

  describe(`rampartMiddleware with ai ${sdk.major}`, () => {
    it('retries a single model through a core policy, one request per attempt', async () => {
      const model = sdk.wrapLanguageModel({
        model: openai('primary'),
        middleware: rampartMiddleware({ policy: createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 1 }) }), specificationVersion: sdk.middlewareVersion }),
      });
      mock.provider('primary').enqueue({ type: 'server_error' }, { type: 'server_error' });
      const r = await sdk.generateText({ model, prompt: 'retried' });
      expect(r.text).toBe('primary/gpt-primary: retried');
      expect(count('primary')).toBe(3);
      const s = sdk.streamText({ model, prompt: 'streamed' });
      mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 0 });
      let text = '';
      for await (const t of s.textStream) text += t;
      expect(text).toBe('primary/gpt-primary: streamed');
    });
  });
}

export type { StreamPartLike };
