import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { LlmOverloadedError } from '../errors/llm-overloaded-error.js';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { llmOptions, readStream } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

let server: MockProviderServer;
let llm: ResilientLLM;
beforeEach(async () => {
  server = await MockProviderServer.start();
  llm = new ResilientLLM(llmOptions(server));
});
afterEach(async () => {
  await llm.close();
  await server.close();
});

describe('ResilientLLM.stream', () => {
  it('streams chunks and ends with a final chunk carrying usage', async () => {
    const { chunks, text, error } = await readStream(llm.stream('one two three'));
    expect(error).toBeUndefined();
    expect(text).toBe('openai/gpt-4o: one two three');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)).toMatchObject({ done: true, provider: 'openai', usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, finishReason: 'stop' });
    expect(chunks.slice(0, -1).every((c) => !c.done && c.provider === 'openai')).toBe(true);
  });

  it.each([
    [{ type: 'rate_limit' as const }],
    [{ type: 'stream_error' as const, afterChunks: 0 }],
    [{ type: 'stream_disconnect' as const, afterChunks: 0 }],
  ])('a failure before the first token (%o) falls over to the next provider unseen', async (fault) => {
    server.provider('openai').enqueue(fault, fault, fault, fault);
    const { chunks, text, error } = await readStream(llm.stream('hello'));
    expect(error).toBeUndefined();
    expect(text).toBe('anthropic/claude-big: hello');
    expect(chunks.every((c) => c.provider === 'anthropic')).toBe(true);
    expect(server.count({ provider: 'anthropic' })).toBe(1);
  });

  it.each([
    ['stream_disconnect', LlmConnectionError],
    ['stream_truncate', LlmConnectionError],
    ['stream_error', LlmOverloadedError],
  ] as const)('a failure after the first token (%s) is a StreamInterruptedError with the text so far, and no switch', async (type, causeClass) => {
    server.provider('openai').enqueue({ type, afterChunks: 2 });
    const { text, error } = await readStream(llm.stream('a b c d e'));
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'openai', model: 'gpt-4o', textSoFar: 'openai/gpt-4o: a ', rampartClassification: { kind: 'permanent', scope: 'request' } });
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(causeClass);
    expect(text).toBe('openai/gpt-4o: a ');
    expect(server.count()).toBe(1);
  });

  it('stopping early aborts the request and releases the attempt', async () => {
    for await (const chunk of llm.stream('a b c d e f g')) {
      expect(chunk.provider).toBe('openai');
      break;
    }
    expect(server.count()).toBe(1);
    // the next call still works on a fresh connection
    const { text } = await readStream(llm.stream('again'));
    expect(text).toBe('openai/gpt-4o: again');
  });

  it("the caller's abort after the first token ends the stream with its reason (not the idle timeout)", async () => {
    const controller = new AbortController();
    server.provider('openai').enqueue({ type: 'stream_hang', afterChunks: 1 });
    const stream = llm.stream('x y', { signal: controller.signal });
    const first = await stream.next();
    expect(first.value).toMatchObject({ provider: 'openai', done: false });
    controller.abort(new Error('caller stopped'));
    const { error } = await readStream(stream);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toMatchObject({ message: 'caller stopped' });
    expect(llm.stats().openai?.failures).toBe(0);
  });

  it('an idle stream times out after timeoutMs between chunks', async () => {
    const slow = new ResilientLLM(llmOptions(server, { timeoutMs: 1000 }));
    server.provider('openai').enqueue({ type: 'stream_hang', afterChunks: 1 });
    const { text, error } = await readStream(slow.stream('x y'));
    await slow.close();
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(LlmTimeoutError);
    expect(text).toBe('openai/gpt-4o: ');
  });
});
