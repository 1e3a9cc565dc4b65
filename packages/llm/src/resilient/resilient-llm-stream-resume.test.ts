import { ConfigError } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmBadRequestError } from '../errors/llm-bad-request-error.js';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import type { ChatChunk } from '../types.js';
import { llmOptions, mockProviders, readStream } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

let server: MockProviderServer;
let llm: ResilientLLM | undefined;
beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  await llm?.close();
  llm = undefined;
  await server.close();
});

/** The messages of the last request a provider received, in its wire format. */
function lastMessages(provider: string): Array<{ role: string; content: unknown }> {
  const r = server.requests.filter((x) => x.provider === provider).at(-1);
  return (r?.body as { messages: Array<{ role: string; content: unknown }> }).messages;
}

describe("ResilientLLM.stream with streamResume: 'continue'", () => {
  it.each([
    ['openai', 'gpt-4o', 'anthropic', 'claude-big'],
    ['anthropic', 'claude-big', 'openai', 'gpt-4o'],
  ])('a %s (%s) stream cut after 2 chunks is continued by %s (%s), which gets the text so far as an assistant prefill', async (first, firstModel, second, secondModel) => {
    const providers = mockProviders(server);
    const ordered = [providers.find((p) => p.name === first)!, providers.find((p) => p.name === second)!];
    llm = new ResilientLLM(llmOptions(server, { providers: ordered, streamResume: 'continue' }));
    server.provider(first).enqueue({ type: 'stream_disconnect', afterChunks: 2 });
    const { chunks, text, error } = await readStream(llm.stream('a b c d e'));
    expect(error).toBeUndefined();
    // exactly the answer the mock gives the first provider: nothing repeated, nothing missing
    const before = `${first}/${firstModel}: a `;
    expect(text).toBe(`${first}/${firstModel}: a b c d e`);
    const last = lastMessages(second).at(-1)!;
    expect(last.role).toBe('assistant');
    // Anthropic refuses a prefill that ends in whitespace: the adapter trims it, and the continuation's
    // leading space is dropped at the join (the text above has one space there)
    const sent = second === 'anthropic' ? before.trimEnd() : before;
    expect(JSON.stringify(last.content)).toContain(JSON.stringify(sent).slice(1, -1));
    if (second === 'anthropic') expect(JSON.stringify(last.content)).not.toMatch(/\s"\}?\]?$/);
    expect(lastMessages(second).at(-2)).toMatchObject({ role: 'user' });
    // each chunk names who wrote it; the continuation's chunks say what they continue
    const continuedFrom = { provider: first, model: firstModel, chars: before.length };
    expect(chunks.filter((c) => c.provider === first).map((c) => c.text).join('')).toBe(before);
    expect(chunks.filter((c) => c.provider === first).every((c) => c.continuedFrom === undefined)).toBe(true);
    expect(chunks.filter((c) => c.provider === second).every((c) => c.continuedFrom?.provider === first)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ done: true, provider: second, model: secondModel, finishReason: 'stop', continuedFrom, usage: { outputTokens: 4 } });
    expect(server.count({ provider: first })).toBe(1);
    expect(server.count({ provider: second })).toBe(1);
    // the interrupted stream is its provider's failure, the continuation its provider's success
    expect(llm.stats()[first]).toMatchObject({ failures: 1, outputTokens: 0 });
    expect(llm.stats()[second]).toMatchObject({ failures: 0, outputTokens: 4 });
  });

  it('continues a request that ended with its own prefill by extending that prefill', async () => {
    llm = new ResilientLLM(llmOptions(server, { streamResume: 'continue' }));
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
    const request = { messages: [{ role: 'user' as const, content: 'a b c d e' }, { role: 'assistant' as const, content: 'Sure: a ' }] };
    const { text, error } = await readStream(llm.stream(request));
    expect(error).toBeUndefined();
    expect(text).toBe('b c d e');
    const messages = lastMessages('anthropic');
    expect(messages).toHaveLength(2);
    expect(JSON.stringify(messages[1]!.content)).toContain('Sure: a b c'); // trimmed: Anthropic refuses trailing whitespace
  });

  it('a continuation cut after output too ends with a StreamInterruptedError holding all the text received', async () => {
    llm = new ResilientLLM(llmOptions(server, { streamResume: 'continue' }));
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
    server.provider('anthropic').enqueue({ type: 'stream_disconnect', afterChunks: 1 });
    const { text, error } = await readStream(llm.stream('a b c d e'));
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(text).toBe('openai/gpt-4o: a b ');
    expect(error).toMatchObject({ provider: 'anthropic', model: 'claude-big', textSoFar: text, toolCallStarted: false, continuedFrom: { provider: 'openai', model: 'gpt-4o', chars: 'openai/gpt-4o: a '.length } });
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(LlmConnectionError);
    expect(server.count()).toBe(2);
  });

  it('a continuation that cannot start ends with the first interruption, its text, and why', async () => {
    llm = new ResilientLLM(llmOptions(server, { streamResume: 'continue' }));
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
    server.provider('anthropic').enqueue({ type: 'bad_request' });
    const { text, error } = await readStream(llm.stream('a b c d e'));
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'openai', textSoFar: 'openai/gpt-4o: a ', continuedFrom: undefined });
    expect(text).toBe('openai/gpt-4o: a ');
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(LlmConnectionError);
    expect((error as StreamInterruptedError).continuationError).toBeInstanceOf(LlmBadRequestError);
  });

  it("by default ('error') a cut after output is a StreamInterruptedError and nothing is continued", async () => {
    llm = new ResilientLLM(llmOptions(server));
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
    const { chunks, text, error } = await readStream(llm.stream('a b c d e'));
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'openai', textSoFar: 'openai/gpt-4o: a ', toolCallStarted: false, continuedFrom: undefined, continuationError: undefined });
    expect(text).toBe('openai/gpt-4o: a ');
    expect(chunks.every((c) => c.continuedFrom === undefined)).toBe(true);
    expect(server.count()).toBe(1);
  });

  it('a stopped stream is not continued', async () => {
    llm = new ResilientLLM(llmOptions(server, { streamResume: 'continue' }));
    const controller = new AbortController();
    server.provider('openai').enqueue({ type: 'stream_hang', afterChunks: 2 });
    const chunks: ChatChunk[] = [];
    const reading = readStream(
      (async function* (stream) {
        for await (const c of stream) {
          chunks.push(c);
          if (chunks.length === 2) controller.abort(new Error('caller stopped'));
          yield c;
        }
      })(llm.stream('a b c d e', { signal: controller.signal })),
    );
    const { error } = await reading;
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toMatchObject({ message: 'caller stopped' });
    expect(server.count()).toBe(1);
  });

  it('rejects a bad streamResume with a ConfigError naming it', () => {
    expect(() => new ResilientLLM(llmOptions(server, { streamResume: 'resume' as never }))).toThrow(ConfigError);
    expect(() => new ResilientLLM(llmOptions(server, { streamResume: 'resume' as never }))).toThrow(/streamResume/);
  });
});
