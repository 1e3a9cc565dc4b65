import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockProviderServer } from './mock-provider-server.js';
import { CALL_MARK } from './mock-reply.js';

let server: MockProviderServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeEach(async () => {
  server = await MockProviderServer.start();
  openai = new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL(), maxRetries: 0, timeout: 2000, logLevel: 'off' });
  anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL(), maxRetries: 0, timeout: 2000, logLevel: 'off' });
});

afterEach(async () => {
  await server.close();
});

const user = (content: string) => [{ role: 'user' as const, content }];

describe('MockProviderServer with the real openai SDK', () => {
  it('answers a chat completion deterministically from provider, model and prompt', async () => {
    const res = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'be brief' }, ...user('hello there')] });
    expect(res.choices[0]?.message.content).toBe('openai/gpt-4o: hello there [system: be brief]');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage).toEqual({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
    expect(server.count({ provider: 'openai', model: 'gpt-4o' })).toBe(1);
    expect(server.requests[0]?.retryCount).toBe(0);
  });

  it('continues a prefilled answer (an assistant message last) without repeating it', async () => {
    const continue_ = (prefill: string) =>
      openai.chat.completions.create({ model: 'gpt-4o', messages: [...user('alpha beta gamma delta'), { role: 'assistant', content: prefill }] });
    // Another model's cut answer: the continuation is the rest of it, with no head of its own.
    expect((await continue_('anthropic/claude: alpha beta ')).choices[0]?.message.content).toBe('gamma delta');
    expect((await continue_('anthropic/claude: alpha')).choices[0]?.message.content).toBe(' beta gamma delta');
    expect((await continue_('anthropic/claude:')).choices[0]?.message.content).toBe(' alpha beta gamma delta');
    expect((await continue_('x: alpha beta gamma delta')).choices[0]?.message.content).toBe('');
    // streamed, the continuation's leading space is kept (joined, the pieces are the text)
    const stream = await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [...user('alpha beta gamma delta'), { role: 'assistant', content: 'anthropic/claude: alpha' }] });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(' beta gamma delta');
  });

  it('streams SSE chunks ending with usage and [DONE]', async () => {
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('one two three'), stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown;
    const finishes: unknown[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('openai/gpt-4o-mini: one two three');
    expect(finishes).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });
  });

  it('returns tool calls, then answers the tool result', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const first = await openai.chat.completions.create({ model: 'gpt-4o', messages: user('weather in Oslo'), tools });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('lookup');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ query: 'weather in Oslo' });
    const second = await openai.chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [...user('weather in Oslo'), first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
    });
    expect(second.choices[0]?.message.content).toBe('openai/gpt-4o: tool said sunny');
  });

  it('says text before a tool call when the prompt marks it ([call]); a fault can cut the stream right after the call begins', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const messages = user(`a b ${CALL_MARK} find Oslo`);
    const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const call = { type: 'function', function: { name: 'lookup', arguments: '{"query":"find Oslo"}' } };
    expect(answer.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: 'openai/gpt-4o: a b', tool_calls: [call] } });
    // streamed whole, the SDK assembles the same answer
    const streamed = await openai.chat.completions.stream({ model: 'gpt-4o', messages, tools }).finalChatCompletion();
    expect(streamed.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: 'openai/gpt-4o: a b', tool_calls: [call] } });
    // a continuation says the rest of the text, then calls
    const continued = await openai.chat.completions.create({ model: 'gpt-4o', messages: [...messages, { role: 'assistant', content: 'anthropic/c: a' }], tools });
    expect(continued.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: ' b', tool_calls: [call] } });
    // three text pieces, then the chunk that begins the call: a cut after 4 pieces has begun it, with no arguments yet
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 4 });
    const stream = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const c of stream) {
        const delta = c.choices[0]?.delta;
        if (delta?.content) seen.push(delta.content);
        for (const t of delta?.tool_calls ?? []) seen.push(`call ${t.function?.name ?? ''}(${t.function?.arguments ?? ''})`);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['openai/gpt-4o: ', 'a ', 'b', 'call lookup()']);
    expect(error).toBeInstanceOf(Error);
    expect(server.requests.at(-1)?.outcome).toBe('stream_disconnect');
  });

  it.each([
    [{ type: 'rate_limit', retryAfterSeconds: 7, retryAfterMs: 6500 } as const, OpenAI.RateLimitError, 429],
    [{ type: 'server_error' } as const, OpenAI.InternalServerError, 500],
    [{ type: 'unavailable' } as const, OpenAI.InternalServerError, 503],
    [{ type: 'overloaded' } as const, OpenAI.InternalServerError, 529],
    [{ type: 'auth' } as const, OpenAI.AuthenticationError, 401],
    [{ type: 'permission' } as const, OpenAI.PermissionDeniedError, 403],
    [{ type: 'bad_request' } as const, OpenAI.BadRequestError, 400],
    [{ type: 'context_length' } as const, OpenAI.BadRequestError, 400],
  ])('injects %o as the SDK error the real API would cause', async (fault, errorClass, status) => {
    server.provider('openai').enqueue(fault);
    const err = await openai.chat.completions.create({ model: 'gpt-4o', messages: user('hi') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    if (fault.type === 'rate_limit') {
      expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7');
      expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after-ms')).toBe('6500');
    }
    if (fault.type === 'context_length') expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('context_length_exceeded');
    expect(server.count()).toBe(1);
  });

  it('connection reset, malformed body and hang surface as the SDK errors for them', async () => {
    server.provider('openai').enqueue({ type: 'reset' }, { type: 'malformed' }, { type: 'hang' });
    await expect(openai.chat.completions.create({ model: 'm', messages: user('a') })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await expect(openai.chat.completions.create({ model: 'm', messages: user('b') })).rejects.toBeInstanceOf(SyntaxError);
    const hung = openai.chat.completions.create({ model: 'm', messages: user('c') }, { timeout: 50 });
    await expect(hung).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(server.count()).toBe(3);
    expect(server.maxRetryCount).toBe(0);
  });

  it('cuts a stream mid-way by disconnect, by a quiet end, or by an in-band error', async () => {
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 1 }, { type: 'stream_truncate', afterChunks: 1 }, { type: 'stream_error', afterChunks: 1 });
    const read = async () => {
      const stream = await openai.chat.completions.create({ model: 'm', messages: user('a b c d'), stream: true });
      let text = '';
      try {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      } catch (e) {
        return { text, error: e };
      }
      return { text, error: undefined };
    };
    const disconnected = await read();
    expect(disconnected.text).toBe('openai/m: ');
    expect(disconnected.error).toBeInstanceOf(Error);
    const truncated = await read();
    expect(truncated).toEqual({ text: 'openai/m: ', error: undefined });
    const errored = await read();
    expect(errored.error).toBeInstanceOf(OpenAI.APIError);
    expect((errored.error as InstanceType<typeof OpenAI.APIError>).status).toBeUndefined();
  });

  it('sends x-ratelimit headers that count down, then 429s when the window is used up', async () => {
    server.provider('openai').setQuota({ requestsLimit: 2, tokensLimit: 100, resetMs: 360_000 });
    const first = await openai.chat.completions.create({ model: 'm', messages: user('a') }).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.response.headers.get('x-ratelimit-reset-requests')).toBe('6m0s');
    expect(first.response.headers.get('x-ratelimit-remaining-tokens')).toBe('97');
    const second = await openai.chat.completions.create({ model: 'm', messages: user('a') }).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const err = await openai.chat.completions.create({ model: 'm', messages: user('a') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('360');
    server.provider('openai').resetQuota();
    await expect(openai.chat.completions.create({ model: 'm', messages: user('a') })).resolves.toBeDefined();
  });

  it('rejects requests with the wrong key and keeps fault rates deterministic for a seed', async () => {
    server.provider('openai').configure({ apiKey: 'sk-other' });
    await expect(openai.chat.completions.create({ model: 'm', messages: user('a') })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    server.provider('openai').reset();
    const run = async () => {
      server.provider('openai').setFaultRate(0.5, [{ type: 'server_error' }], 42);
      const out: boolean[] = [];
      for (let i = 0; i < 20; i++) out.push(await openai.chat.completions.create({ model: 'm', messages: user('a') }).then(() => true, () => false));
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((x) => !x).length).toBeGreaterThan(3);
    expect(a.filter((x) => x).length).toBeGreaterThan(3);
  });
});

describe('MockProviderServer with the real @anthropic-ai/sdk', () => {
  it('answers messages with system prompt and usage', async () => {
    const res = await anthropic.messages.create({ model: 'claude-big', max_tokens: 100, system: 'be brief', messages: user('hi') });
    expect(res.content).toEqual([{ type: 'text', text: 'anthropic/claude-big: hi [system: be brief]' }]);
    expect(res.stop_reason).toBe('end_turn');
    expect(res.usage.input_tokens).toBe(3);
  });

  it('continues a prefilled answer (Anthropic prefill) without repeating it', async () => {
    const res = await anthropic.messages.create({
      model: 'claude-big',
      max_tokens: 100,
      messages: [...user('one two three'), { role: 'assistant', content: 'openai/gpt-4o: one' }],
    });
    expect(res.content).toEqual([{ type: 'text', text: ' two three' }]);
    // as the real API, a prefill ending in whitespace is a 400
    const refused = await anthropic.messages
      .create({ model: 'claude-big', max_tokens: 100, messages: [...user('one two three'), { role: 'assistant', content: 'openai/gpt-4o: one ' }] })
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('final assistant content cannot end with trailing whitespace') });
  });

  it('streams message_start … message_stop', async () => {
    const stream = await anthropic.messages.create({ model: 'claude-small', max_tokens: 100, messages: user('x y'), stream: true });
    const types: string[] = [];
    let text = '';
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    }
    expect(text).toBe('anthropic/claude-small: x y');
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
  });

  it('round-trips tool_use and tool_result', async () => {
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const, properties: {} } }];
    const first = await anthropic.messages.create({ model: 'c', max_tokens: 50, messages: user('find it'), tools });
    const use = first.content[0];
    expect(first.stop_reason).toBe('tool_use');
    expect(use?.type === 'tool_use' && use.input).toEqual({ query: 'find it' });
    const second = await anthropic.messages.create({
      model: 'c',
      max_tokens: 50,
      tools,
      messages: [...user('find it'), { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as { id: string }).id, content: 'found' }] }],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'anthropic/c: tool said found' }]);
  });

  it('says text before a tool call when the prompt marks it ([call]); a fault can cut the stream right after the call begins', async () => {
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const, properties: {} } }];
    const messages = user(`a b ${CALL_MARK} find it`);
    const content = [{ type: 'text', text: 'anthropic/c: a b' }, { type: 'tool_use', name: 'lookup', input: { query: 'find it' } }];
    const answer = await anthropic.messages.create({ model: 'c', max_tokens: 50, messages, tools });
    expect(answer).toMatchObject({ stop_reason: 'tool_use', content });
    // streamed whole, the SDK assembles the same answer (a text block 0, a tool_use block 1)
    const streamed = await anthropic.messages.stream({ model: 'c', max_tokens: 50, messages, tools }).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: 'tool_use', content });
    // a continuation says the rest of the text, then calls
    const continued = await anthropic.messages.create({ model: 'c', max_tokens: 50, messages: [...messages, { role: 'assistant', content: 'openai/gpt-4o: a' }], tools });
    expect(continued).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'text', text: ' b' }, content[1]] });
    // three text pieces, then the piece that begins the tool_use block: a cut after 4 pieces has begun it, with no input yet
    server.provider('anthropic').enqueue({ type: 'stream_disconnect', afterChunks: 4 });
    const stream = await anthropic.messages.create({ model: 'c', max_tokens: 50, messages, tools, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const e of stream) {
        if (e.type === 'content_block_start') seen.push(`start ${e.index} ${e.content_block.type}`);
        if (e.type === 'content_block_delta') seen.push(e.delta.type === 'text_delta' ? e.delta.text : `json ${e.index}`);
        if (e.type === 'content_block_stop') seen.push(`stop ${e.index}`);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['start 0 text', 'anthropic/c: ', 'a ', 'b', 'stop 0', 'start 1 tool_use']);
    expect(error).toBeInstanceOf(Error);
    expect(server.requests.at(-1)?.outcome).toBe('stream_disconnect');
  });

  it('sends 529 overloaded_error, context-length 400 and an in-band stream error', async () => {
    server.provider('anthropic').enqueue({ type: 'overloaded' }, { type: 'context_length' }, { type: 'stream_error', afterChunks: 0 });
    const overloaded = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: user('a') }).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    const ctx = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: user('a b c') }).catch((e: unknown) => e);
    expect(ctx).toBeInstanceOf(Anthropic.BadRequestError);
    expect((ctx as InstanceType<typeof Anthropic.APIError>).type).toBe('invalid_request_error');
    const stream = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: user('a'), stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
  });

  it('sends anthropic-ratelimit headers with RFC 3339 resets', async () => {
    server.provider('anthropic').setQuota({ requestsLimit: 10, resetMs: 30_000 });
    const { response } = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: user('a') }).withResponse();
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('9');
    expect(response.headers.get('anthropic-ratelimit-requests-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('rejects malformed requests with 400 (a missing max_tokens, a system role message)', async () => {
    const bad = anthropic.messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'system' as 'user', content: 'x' }] });
    await expect(bad).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    expect(server.requests[0]?.outcome).toBe('invalid');
  });
});

describe('MockProviderServer lifecycle', () => {
  it('close() releases hanging requests and keep-alive sockets', async () => {
    server.provider('openai').enqueue({ type: 'hang' });
    const pending = openai.chat.completions.create({ model: 'm', messages: user('a') }, { timeout: 5000 }).catch((e: unknown) => e);
    while (server.count() === 0) await new Promise((r) => setImmediate(r));
    await server.close();
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('serves several named providers from one port', async () => {
    const local = new OpenAI({ apiKey: 'x', baseURL: server.openaiBaseURL('local'), maxRetries: 0, logLevel: 'off' });
    const res = await local.chat.completions.create({ model: 'llama3.1', messages: user('hey') });
    expect(res.choices[0]?.message.content).toBe('local/llama3.1: hey');
    expect(server.count({ provider: 'local' })).toBe(1);
  });

  it('rejects a fault given by name (it would inject nothing) with a TypeError that says how to write it', () => {
    const control = server.provider('openai');
    expect(() => control.enqueue('rate_limit' as never)).toThrow(TypeError);
    expect(() => control.enqueue('rate_limit' as never)).toThrow("enqueue[0]: not a fault: \"rate_limit\" (write { type: 'rate_limit' })");
    expect(() => control.setFaultRate(0.5, [{ type: 'nope' } as never])).toThrow(/^setFaultRate\.mix\[0\]: not a fault/);
    expect(() => control.enqueue('ok', { type: 'reset' })).not.toThrow();
  });
});
