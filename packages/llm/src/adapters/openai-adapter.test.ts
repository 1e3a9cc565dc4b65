import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmAuthError } from '../errors/llm-auth-error.js';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { LlmContentFilteredError } from '../errors/llm-content-filtered-error.js';
import { LlmContextLengthError } from '../errors/llm-context-length-error.js';
import { LlmOverloadedError } from '../errors/llm-overloaded-error.js';
import { LlmRateLimitError } from '../errors/llm-rate-limit-error.js';
import { LlmServerError } from '../errors/llm-server-error.js';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import type { ProviderKind } from '../types.js';
import type { StreamEvent } from './adapter.js';
import { adapterFor as fixtureAdapter, attempt } from './__fixtures__/adapter-fixture.js';
import { OPENAI_VARIANTS } from './__fixtures__/openai-variants.js';

let server: MockProviderServer;
beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  await server.close();
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<{ text: string; events: StreamEvent[]; error?: unknown }> {
  const out: StreamEvent[] = [];
  let text = '';
  try {
    for await (const e of events) {
      out.push(e);
      if (e.type === 'text') text += e.text;
    }
  } catch (error) {
    return { text, events: out, error };
  }
  return { text, events: out };
}

// every case runs against the adapter's own import of openai 6 and against clients of openai 6 and 7
// passed in (openai 7 declares Node >= 22; it is run on this Node too, and under Node 24 in CI)
describe.each(OPENAI_VARIANTS)('OpenAIAdapter ($label) against the mock server', (variant) => {
  const adapterFor = (s: MockProviderServer, kind: ProviderKind, name: string) => fixtureAdapter(s, kind, name, { client: variant.client(s, name) });

  it('maps system prompt, messages, temperature and max_completion_tokens, and reads the answer', async () => {
    const a = attempt('gpt-4o');
    const res = await adapterFor(server, 'openai', 'openai').complete(
      { system: 'be brief', messages: [{ role: 'user', content: 'hello' }], temperature: 0.3, maxTokens: 50 },
      a,
    );
    a.dispose();
    expect(res).toMatchObject({ id: 'chatcmpl-1', text: 'openai/gpt-4o: hello [system: be brief]', model: 'gpt-4o', finishReason: 'stop', toolCalls: [] });
    expect(res.usage).toEqual({ inputTokens: 3, outputTokens: 5, totalTokens: 8 });
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }],
      temperature: 0.3,
      max_completion_tokens: 50,
    });
  });

  it('sends max_tokens to openai-compatible servers and uses the default max tokens', async () => {
    const a = attempt('llama3.1');
    const res = await adapterFor(server, 'openai-compatible', 'local').complete({ messages: [{ role: 'user', content: 'hi' }] }, a);
    a.dispose();
    expect(res.text).toBe('local/llama3.1: hi');
    expect(server.requests[0]?.body).toMatchObject({ max_tokens: 256 });
    expect(server.requests[0]?.body).not.toHaveProperty('max_completion_tokens');
  });

  it('round-trips tool definitions, tool calls and tool results', async () => {
    const adapter = adapterFor(server, 'openai', 'openai');
    const tools = [{ name: 'lookup', description: 'Find things', parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
    const a1 = attempt('gpt-4o');
    const first = await adapter.complete({ messages: [{ role: 'user', content: 'find Oslo' }], tools, toolChoice: 'required' }, a1);
    a1.dispose();
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'lookup', arguments: { query: 'find Oslo' } }]);
    expect(server.requests[0]?.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Find things', parameters: tools[0]!.parameters } }],
      tool_choice: 'required',
    });
    const a2 = attempt('gpt-4o');
    const second = await adapter.complete(
      {
        tools,
        messages: [
          { role: 'user', content: 'find Oslo' },
          { role: 'assistant', content: '', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: 'call_1', content: '59.9N' },
        ],
      },
      a2,
    );
    a2.dispose();
    expect(second.text).toBe('openai/gpt-4o: tool said 59.9N');
    expect((server.requests[1]?.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"query":"find Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '59.9N' },
    ]);
  });

  it('streams text pieces and ends with one done event carrying usage', async () => {
    const a = attempt('gpt-4o-mini');
    const opened = await adapterFor(server, 'openai', 'openai').stream({ messages: [{ role: 'user', content: 'one two three' }] }, a);
    const { text, events, error } = await collect(opened.events);
    a.dispose();
    expect(error).toBeUndefined();
    expect(text).toBe('openai/gpt-4o-mini: one two three');
    expect(events.filter((e) => e.type === 'done')).toEqual([
      { type: 'done', id: 'chatcmpl-1', usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, finishReason: 'stop', toolCalls: [], model: 'gpt-4o-mini' },
    ]);
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams tool calls assembled from argument fragments', async () => {
    const a = attempt('gpt-4o');
    const tools = [{ name: 'lookup', parameters: { type: 'object' } }];
    const opened = await adapterFor(server, 'openai', 'openai').stream({ messages: [{ role: 'user', content: 'find a long thing here' }], tools }, a);
    const { events } = await collect(opened.events);
    a.dispose();
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { query: 'find a long thing here' } }] });
    // the start of each tool call is an event of its own (a stream cut after it is never continued)
    expect(events.filter((e) => e.type === 'tool-call')).toEqual([{ type: 'tool-call' }]);
  });

  it.each([
    ['stream_truncate', LlmConnectionError],
    ['stream_disconnect', LlmConnectionError],
    ['stream_error', LlmOverloadedError],
  ] as const)('a stream cut by %s throws %s after the pieces that arrived', async (type, errorClass) => {
    server.provider('openai').enqueue({ type, afterChunks: 2 });
    const a = attempt('m');
    const opened = await adapterFor(server, 'openai', 'openai').stream({ messages: [{ role: 'user', content: 'a b c d e' }] }, a);
    const { text, error } = await collect(opened.events);
    a.dispose();
    expect(text).toBe('openai/m: a ');
    expect(error).toBeInstanceOf(errorClass);
  });

  it('a stream that sends finish_reason and usage but no [DONE] is still an error', async () => {
    server.provider('openai').enqueue({ type: 'stream_truncate', afterChunks: 99 });
    const a = attempt('m');
    const opened = await adapterFor(server, 'openai', 'openai').stream({ messages: [{ role: 'user', content: 'a' }] }, a);
    const { text, error } = await collect(opened.events);
    a.dispose();
    expect(text).toBe('openai/m: a');
    expect(error).toBeInstanceOf(LlmConnectionError);
  });

  it('content_filter becomes LlmContentFilteredError; a hang becomes LlmTimeoutError', async () => {
    server.provider('openai').enqueue({ type: 'content_filter' }, { type: 'hang' });
    const adapter = adapterFor(server, 'openai', 'openai');
    const a1 = attempt('m');
    await expect(adapter.complete({ messages: [{ role: 'user', content: 'x' }] }, a1)).rejects.toBeInstanceOf(LlmContentFilteredError);
    a1.dispose();
    const a2 = attempt('m', 60);
    const err = await adapter.complete({ messages: [{ role: 'user', content: 'x' }] }, a2).catch((e: unknown) => e);
    a2.dispose();
    expect(err).toBeInstanceOf(LlmTimeoutError);
    expect(err).toMatchObject({ provider: 'openai', rampartClassification: { kind: 'timeout' } });
  });

  it("the caller's abort surfaces as the caller's reason, not as a provider error", async () => {
    server.provider('openai').enqueue({ type: 'hang' });
    const controller = new AbortController();
    const a = attempt('m', 5000, controller.signal);
    const pending = adapterFor(server, 'openai', 'openai').complete({ messages: [{ role: 'user', content: 'x' }] }, a);
    while (server.count() === 0) await new Promise((r) => setImmediate(r));
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    a.dispose();
  });

  it('sends exactly one request per call, with the SDK retry counter at 0', async () => {
    server.provider('openai').enqueue({ type: 'server_error' }, { type: 'rate_limit' }, { type: 'reset' });
    const adapter = adapterFor(server, 'openai', 'openai');
    for (let i = 0; i < 3; i++) {
      const a = attempt('m');
      await adapter.complete({ messages: [{ role: 'user', content: 'x' }] }, a).catch(() => undefined);
      a.dispose();
    }
    expect(server.count()).toBe(3);
    expect(server.maxRetryCount).toBe(0);
  });

  it('maps HTTP errors by the classes of the SDK that made the client', async () => {
    server.provider('openai').enqueue(
      { type: 'rate_limit', retryAfterSeconds: 7 },
      { type: 'server_error' },
      { type: 'overloaded' },
      { type: 'auth' },
      { type: 'context_length' },
    );
    const adapter = adapterFor(server, 'openai', 'openai');
    const errors: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const a = attempt('m');
      errors.push(await adapter.complete({ messages: [{ role: 'user', content: 'x' }] }, a).catch((e: unknown) => e));
      a.dispose();
    }
    expect(errors[0]).toBeInstanceOf(LlmRateLimitError);
    expect(errors[0]).toMatchObject({ provider: 'openai', retryAfterMs: 7000 });
    expect(errors[1]).toBeInstanceOf(LlmServerError);
    expect(errors[2]).toBeInstanceOf(LlmOverloadedError);
    expect(errors[3]).toBeInstanceOf(LlmAuthError);
    expect(errors[4]).toBeInstanceOf(LlmContextLengthError);
    expect(server.maxRetryCount).toBe(0);
  });

  it('a refused connection is a provider-down LlmConnectionError', async () => {
    const closed = await MockProviderServer.start();
    await closed.close();
    const a = attempt('m');
    const err = await adapterFor(closed, 'openai', 'openai').complete({ messages: [{ role: 'user', content: 'x' }] }, a).catch((e: unknown) => e);
    a.dispose();
    expect(err).toBeInstanceOf(LlmConnectionError);
    expect(err).toMatchObject({ provider: 'openai', rampartClassification: { providerDown: true } });
  });
});
