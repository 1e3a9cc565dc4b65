import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { CALL_MARK, streamPieces } from '../testing/mock-reply.js';
import type { ChatRequest } from '../types.js';
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

/**
 * The mock answers `<head> a b c d e` and then calls `lookup` with `{ query: 'find Oslo' }`. Streamed,
 * that is six text pieces (`<head> `, `a `, … `e`), then a piece that begins the tool call (OpenAI: the
 * chunk with the call's id and name; Anthropic: the tool_use block's start), then argument fragments.
 */
const request: ChatRequest = {
  messages: [{ role: 'user', content: `a b c d e ${CALL_MARK} find Oslo` }],
  tools: [{ name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' } } } }],
};
const TEXT_PIECES = 6;
const lookup = { name: 'lookup', arguments: { query: 'find Oslo' } };

/** Primary (its model), secondary (its model): each provider kind is the primary once. */
const PAIRS = [
  ['openai', 'gpt-4o', 'anthropic', 'claude-big'],
  ['anthropic', 'claude-big', 'openai', 'gpt-4o'],
] as const;

/** Each pair with each cut: primary, its model, where the cut is, secondary, its model, pieces sent before it. */
function cuts(...where: Array<readonly [string, number]>) {
  return PAIRS.flatMap(([first, firstModel, second, secondModel]) => where.map(([cut, afterChunks]) => [first, firstModel, cut, second, secondModel, afterChunks] as const));
}

/** A ResilientLLM over `first` then `second` (the mock's `local` left out) that continues cut streams. */
function continuing(first: string, second: string): ResilientLLM {
  const providers = mockProviders(server);
  const ordered = [providers.find((p) => p.name === first)!, providers.find((p) => p.name === second)!];
  return new ResilientLLM(llmOptions(server, { providers: ordered, streamResume: 'continue' }));
}

describe("ResilientLLM.stream with streamResume: 'continue' and a tool call in the stream", () => {
  it.each(PAIRS)('uncut, a %s (%s) stream says its text and then calls the tool', async (first, firstModel, second) => {
    llm = continuing(first, second);
    const { chunks, text, error } = await readStream(llm.stream(request));
    expect(error).toBeUndefined();
    expect(text).toBe(`${first}/${firstModel}: a b c d e`);
    expect(chunks.filter((c) => c.text !== '')).toHaveLength(TEXT_PIECES);
    expect(chunks.at(-1)).toMatchObject({ done: true, provider: first, finishReason: 'tool_calls', toolCalls: [lookup] });
    expect(server.count()).toBe(1);
  });

  it.each(cuts(['right after the tool call begins', TEXT_PIECES + 1], ['inside the tool call arguments', TEXT_PIECES + 2]))('a %s (%s) stream cut %s is not continued on %s: a StreamInterruptedError with the text received', async (first, firstModel, cut, second, _secondModel, afterChunks) => {
    llm = continuing(first, second);
    server.provider(first).enqueue({ type: 'stream_disconnect', afterChunks });
    const { chunks, text, error } = await readStream(llm.stream(request));
    const said = `${first}/${firstModel}: a b c d e`;
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: first, model: firstModel, textSoFar: said, toolCallStarted: true, continuedFrom: undefined, continuationError: undefined });
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(LlmConnectionError);
    // every piece once, in order, all from the primary: nothing repeated, nothing from elsewhere
    expect(text).toBe(said);
    expect(chunks.map((c) => c.text)).toEqual([`${first}/${firstModel}: `, 'a ', 'b ', 'c ', 'd ', 'e']);
    expect(chunks.every((c) => c.provider === first && !c.done && c.continuedFrom === undefined)).toBe(true);
    // no continuation was asked for: the secondary received nothing, the primary one request
    expect(server.count({ provider: second })).toBe(0);
    expect(server.count({ provider: first })).toBe(1);
    expect(server.count()).toBe(1);
    expect(llm.stats()[first]).toMatchObject({ failures: 1 });
    expect(llm.stats()[second]).toMatchObject({ calls: 0, failures: 0 });
  });

  it.each(cuts(['inside the text', 2], ['after all the text, before the tool call begins', TEXT_PIECES]))('a %s (%s) stream cut %s is continued on %s, which says the rest and calls the tool', async (first, firstModel, cut, second, secondModel, afterChunks) => {
    llm = continuing(first, second);
    server.provider(first).enqueue({ type: 'stream_disconnect', afterChunks });
    const { chunks, text, error } = await readStream(llm.stream(request));
    expect(error).toBeUndefined();
    // the primary's pieces before the cut, then the secondary's rest: exactly the primary's answer
    const said = `${first}/${firstModel}: a b c d e`;
    const before = chunks.filter((c) => c.provider === first).map((c) => c.text).join('');
    expect(text).toBe(said);
    expect(before).toBe(streamPieces(said).slice(0, afterChunks).join(''));
    const continuedFrom = { provider: first, model: firstModel, chars: before.length };
    expect(chunks.filter((c) => c.provider === second).every((c) => c.continuedFrom?.provider === first)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ done: true, provider: second, model: secondModel, finishReason: 'tool_calls', toolCalls: [lookup], continuedFrom });
    // the continuation still offers the tool: the request is the same, with the text as a prefill
    const sent = server.requests.find((r) => r.provider === second)?.body as { tools?: unknown[]; messages: Array<{ role: string }> };
    expect(sent.tools).toHaveLength(1);
    expect(sent.messages.at(-1)?.role).toBe('assistant');
    expect(server.count({ provider: first })).toBe(1);
    expect(server.count({ provider: second })).toBe(1);
    expect(llm.stats()[first]).toMatchObject({ failures: 1 });
    expect(llm.stats()[second]).toMatchObject({ calls: 1, failures: 0 });
  });
});
