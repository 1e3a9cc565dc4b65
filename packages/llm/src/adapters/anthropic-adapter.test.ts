import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { LlmContentFilteredError } from '../errors/llm-content-filtered-error.js';
import { LlmContextLengthError } from '../errors/llm-context-length-error.js';
import { LlmOverloadedError } from '../errors/llm-overloaded-error.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import type { StreamEvent } from './adapter.js';
import { adapterFor as fixtureAdapter, attempt } from './__fixtures__/adapter-fixture.js';

let server: MockProviderServer;
beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  await server.close();
});

async function collect(events: AsyncIterable<StreamEvent>) {
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
  return { text, events: out, error: undefined };
}

const VARIANTS = [
  { label: 'imported by the adapter', client: (): object | undefined => undefined },
  // SDK retries on: the test fails if Rampart's copy of the client does not turn them off
  { label: 'a client passed in', client: (s: MockProviderServer, name: string): object | undefined => new Anthropic({ apiKey: 'sk-ant-own-key-0123456789', baseURL: s.anthropicBaseURL(name), maxRetries: 4 }) },
];

describe.each(VARIANTS)('AnthropicAdapter (real @anthropic-ai/sdk, $label) against the mock server', (variant) => {
  const adapterFor = (s: MockProviderServer, kind: 'anthropic', name: string) => fixtureAdapter(s, kind, name, { client: variant.client(s, name) });

  it('sends the system prompt as `system`, joins system messages into it, and never sends temperature', async () => {
    const a = attempt('claude-big');
    const res = await adapterFor(server, 'anthropic', 'anthropic').complete(
      { system: 'be brief', messages: [{ role: 'system', content: 'and kind' }, { role: 'user', content: 'hello' }], temperature: 1.5, maxTokens: 40 },
      a,
    );
    a.dispose();
    expect(res).toMatchObject({ text: 'anthropic/claude-big: hello [system: be brief and kind]', finishReason: 'stop', model: 'claude-big' });
    expect(res.usage).toEqual({ inputTokens: 5, outputTokens: 7, totalTokens: 12 });
    expect(server.requests[0]?.body).toEqual({ model: 'claude-big', max_tokens: 40, system: 'be brief\n\nand kind', messages: [{ role: 'user', content: 'hello' }] });
  });

  it('maps tools, tool_choice, tool_use and tool_result (consecutive results in one user turn)', async () => {
    const adapter = adapterFor(server, 'anthropic', 'anthropic');
    const tools = [{ name: 'lookup', description: 'Find', parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
    const a1 = attempt('c');
    const first = await adapter.complete({ messages: [{ role: 'user', content: 'find Oslo' }], tools, toolChoice: { name: 'lookup' } }, a1);
    a1.dispose();
    expect(first.toolCalls).toEqual([{ id: 'toolu_1', name: 'lookup', arguments: { query: 'find Oslo' } }]);
    expect(first.finishReason).toBe('tool_calls');
    expect(server.requests[0]?.body).toMatchObject({
      tools: [{ name: 'lookup', description: 'Find', input_schema: tools[0]!.parameters }],
      tool_choice: { type: 'tool', name: 'lookup' },
    });
    const a2 = attempt('c');
    const second = await adapter.complete(
      {
        tools,
        messages: [
          { role: 'user', content: 'find Oslo' },
          { role: 'assistant', content: 'Looking.', toolCalls: [...first.toolCalls, { id: 'toolu_x', name: 'lookup', arguments: { query: 'Bergen' } }] },
          { role: 'tool', toolCallId: 'toolu_1', content: '59.9N' },
          { role: 'tool', toolCallId: 'toolu_x', content: '60.4N' },
        ],
      },
      a2,
    );
    a2.dispose();
    expect(second.text).toBe('anthropic/c: tool said 59.9N 60.4N');
    expect((server.requests[1]?.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { query: 'find Oslo' } },
          { type: 'tool_use', id: 'toolu_x', name: 'lookup', input: { query: 'Bergen' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '59.9N' },
          { type: 'tool_result', tool_use_id: 'toolu_x', content: '60.4N' },
        ],
      },
    ]);
  });

  it('streams until message_stop, with usage from message_start and message_delta', async () => {
    const a = attempt('claude-small');
    const opened = await adapterFor(server, 'anthropic', 'anthropic').stream({ messages: [{ role: 'user', content: 'x y' }] }, a);
    const { text, events, error } = await collect(opened.events);
    a.dispose();
    expect(error).toBeUndefined();
    expect(text).toBe('anthropic/claude-small: x y');
    expect(events.at(-1)).toEqual({ type: 'done', id: 'msg_1', usage: { inputTokens: 2, outputTokens: 3, totalTokens: 5 }, finishReason: 'stop', toolCalls: [], model: 'claude-small' });
  });

  it('streams tool_use input assembled from input_json_delta', async () => {
    const a = attempt('c');
    const opened = await adapterFor(server, 'anthropic', 'anthropic').stream(
      { messages: [{ role: 'user', content: 'a longer query text' }], tools: [{ name: 't', parameters: {} }] },
      a,
    );
    const { events } = await collect(opened.events);
    a.dispose();
    expect(events.at(-1)).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: 'toolu_1', name: 't', arguments: { query: 'a longer query text' } }] });
    expect(events.filter((e) => e.type === 'tool-call')).toEqual([{ type: 'tool-call' }]);
  });

  it.each([
    ['stream_truncate', LlmConnectionError],
    ['stream_disconnect', LlmConnectionError],
    ['stream_error', LlmOverloadedError],
  ] as const)('a stream cut by %s throws after the pieces that arrived', async (type, errorClass) => {
    server.provider('anthropic').enqueue({ type, afterChunks: 1 });
    const a = attempt('c');
    const opened = await adapterFor(server, 'anthropic', 'anthropic').stream({ messages: [{ role: 'user', content: 'a b c' }] }, a);
    const { text, error } = await collect(opened.events);
    a.dispose();
    expect(text).toBe('anthropic/c: ');
    expect(error).toBeInstanceOf(errorClass);
  });

  it('529 overloaded_error, prompt too long and refusal map to their classes', async () => {
    server.provider('anthropic').enqueue({ type: 'overloaded' }, { type: 'context_length' }, { type: 'content_filter' });
    const adapter = adapterFor(server, 'anthropic', 'anthropic');
    const results: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const a = attempt('c');
      results.push(await adapter.complete({ messages: [{ role: 'user', content: 'a b' }] }, a).catch((e: unknown) => e));
      a.dispose();
    }
    expect(results[0]).toBeInstanceOf(LlmOverloadedError);
    expect(results[0]).toMatchObject({ status: 529, apiType: 'overloaded_error', rampartClassification: { kind: 'transient' } });
    expect(results[1]).toBeInstanceOf(LlmContextLengthError);
    expect(results[1]).toMatchObject({ rampartClassification: { kind: 'permanent', scope: 'provider' } });
    expect(results[2]).toBeInstanceOf(LlmContentFilteredError);
    expect(server.count()).toBe(3);
    expect(server.maxRetryCount).toBe(0);
  });
});
