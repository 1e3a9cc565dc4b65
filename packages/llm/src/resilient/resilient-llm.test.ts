import { FallbackExhaustedError, ResourceType, TimeoutError } from '@rampart/core';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmBadRequestError } from '../errors/llm-bad-request-error.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { KEYS, llmOptions, mockProviders, teamManager } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

const API_QUOTA = ResourceType.API_QUOTA;
let server: MockProviderServer;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await server.close();
});

function llm(extra: Parameters<typeof llmOptions>[1] = {}): ResilientLLM {
  const l = new ResilientLLM(llmOptions(server, extra));
  closers.push(() => l.close());
  return l;
}

describe('ResilientLLM.invoke with the real SDKs against the mock server', () => {
  it('answers from the primary with exactly one request and the SDK retry counter at 0', async () => {
    const res = await llm().invoke('Write a tagline');
    expect(res).toMatchObject({ text: 'openai/gpt-4o: Write a tagline', provider: 'openai', model: 'gpt-4o', cached: false, degraded: false, finishReason: 'stop', toolCalls: [] });
    expect(res.usage).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.count()).toBe(1);
    expect(server.maxRetryCount).toBe(0);
  });

  it('429 → switches to the next provider at once, and the cooldown is shared by every caller of the manager', async () => {
    const manager = teamManager('shared-429');
    closers.push(() => manager.stop());
    const a = llm({ manager });
    const b = llm({ manager });
    server.provider('openai').enqueue({ type: 'rate_limit', retryAfterSeconds: 30 });
    const first = await a.invoke('one');
    expect(first.provider).toBe('anthropic');
    expect(server.count({ provider: 'openai' })).toBe(1);
    expect(server.count({ provider: 'anthropic' })).toBe(1);
    expect(manager.isProviderAvailable(API_QUOTA, 'openai')).toBe(false);
    const second = await b.invoke('two');
    expect(second.provider).toBe('anthropic');
    expect(server.count({ provider: 'openai' })).toBe(1);
    expect(server.count()).toBe(3);
  });

  it('529 overloaded → switches, and the overloaded provider cools down for the other LLM too', async () => {
    const manager = teamManager('shared-529');
    closers.push(() => manager.stop());
    const [openai, anthropic, local] = mockProviders(server);
    const a = llm({ manager, providers: [anthropic!, openai!, local!] });
    const b = llm({ manager, providers: [anthropic!, openai!, local!] });
    server.provider('anthropic').enqueue({ type: 'overloaded' });
    expect((await a.invoke('x')).provider).toBe('openai');
    expect((await b.invoke('y')).provider).toBe('openai');
    expect(server.count({ provider: 'anthropic' })).toBe(1);
    expect(server.count({ provider: 'openai' })).toBe(2);
  });

  it('401 → switches and never retries the provider', async () => {
    const l = llm();
    server.provider('openai').enqueue({ type: 'auth' });
    expect((await l.invoke('x')).provider).toBe('anthropic');
    expect((await l.invoke('y')).provider).toBe('anthropic');
    expect(server.count({ provider: 'openai' })).toBe(1);
  });

  it('400 → fails with LlmBadRequestError and no other provider is tried', async () => {
    server.provider('openai').enqueue({ type: 'bad_request' });
    await expect(llm().invoke('x')).rejects.toBeInstanceOf(LlmBadRequestError);
    expect(server.count()).toBe(1);
  });

  it('context length exceeded → switches to a provider with a larger window', async () => {
    server.provider('openai').configure({ contextWindowTokens: 3 });
    const res = await llm().invoke('a prompt longer than three words');
    expect(res.provider).toBe('anthropic');
    expect(server.requests.map((r) => [r.provider, r.outcome])).toEqual([['openai', 'context_window'], ['anthropic', 'ok']]);
  });

  it('a 500 is retried on another provider at once (no backoff): one request per attempt', async () => {
    server.provider('openai').enqueue({ type: 'server_error' });
    const res = await llm().invoke('x');
    expect(res.provider).toBe('anthropic');
    expect(server.requests.map((r) => [r.provider, r.outcome, r.retryCount])).toEqual([['openai', 'server_error', 0], ['anthropic', 'ok', 0]]);
  });

  it('a 500 with a single provider is retried on it: one request per attempt', async () => {
    server.provider('openai').enqueue({ type: 'server_error' });
    const res = await llm({ providers: mockProviders(server).slice(0, 1) }).invoke('x');
    expect(res.provider).toBe('openai');
    expect(server.requests.map((r) => [r.provider, r.outcome, r.retryCount])).toEqual([['openai', 'server_error', 0], ['openai', 'ok', 0]]);
  });

  it('resets, timeouts and malformed bodies are retried on the other providers first', async () => {
    server.provider('openai').enqueue({ type: 'reset' });
    server.provider('anthropic').enqueue({ type: 'hang' });
    server.provider('local').enqueue({ type: 'malformed' });
    const res = await llm({ timeoutMs: 1000 }).invoke('x');
    expect(res.provider).toBe('openai');
    expect(server.requests.map((r) => [r.provider, r.outcome])).toEqual([
      ['openai', 'reset'],
      ['anthropic', 'hang'],
      ['local', 'malformed'],
      ['openai', 'ok'],
    ]);
    expect(server.requests.every((r) => r.retryCount === 0)).toBe(true);
  });

  it("the caller's abort ends the call without trying another provider", async () => {
    server.provider('openai').enqueue({ type: 'hang' });
    const controller = new AbortController();
    const pending = llm().invoke('x', { signal: controller.signal });
    while (server.count() === 0) await new Promise((r) => setImmediate(r));
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(server.count()).toBe(1);
  });

  it('deadlineMs bounds the whole call, attempts and waits included', async () => {
    for (const p of ['openai', 'anthropic', 'local']) server.provider(p).enqueue({ type: 'hang' }, { type: 'hang' }, { type: 'hang' });
    const err = await llm({ timeoutMs: 5000 }).invoke('x', { deadlineMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ timeoutMs: 200 });
    // no second attempt: the first may not even have reached the server in 200 ms on a loaded machine
    expect(server.count()).toBeLessThanOrEqual(1);
  });

  it('maps a chat request with tools, and returns the tool calls', async () => {
    const res = await llm().invoke({ system: 's', messages: [{ role: 'user', content: 'find x' }], tools: [{ name: 'search', parameters: { type: 'object' } }], maxTokens: 20 });
    expect(res.toolCalls).toEqual([{ id: 'call_1', name: 'search', arguments: { query: 'find x' } }]);
    expect(res.finishReason).toBe('tool_calls');
  });

  it('rejects a malformed request before any provider is called', async () => {
    await expect(llm().invoke({ messages: [{ role: 'robot', content: 'x' }] } as never)).rejects.toMatchObject({ path: 'request.messages[0].role' });
    await expect(llm().invoke({ messages: [{ role: 'system', content: 'x' }] })).rejects.toMatchObject({ path: 'request.messages' });
    await expect(llm().invoke({ messages: [{ role: 'robot', content: 'x' }] } as never)).rejects.toThrow(
      'request.messages[0].role: must be one of "system", "user", "assistant", "tool"',
    );
    await expect(llm().invoke({ messages: [{ role: 'user', content: 'x' }], temprature: 0.2 } as never)).rejects.toThrow(
      'request.temprature: unknown option; did you mean temperature?',
    );
    // the prompt's text never reaches the error
    const bad = (await llm()
      .invoke({ messages: [{ role: 'user', content: 'my card is 4111' }], maxTokens: 'my card is 4111' } as never)
      .catch((e: unknown) => e)) as Error;
    expect(bad.message).toBe('request.maxTokens: must be a number');
    expect(server.count()).toBe(0);
  });

  it('fails with FallbackExhaustedError when every provider refuses the key, without retries', async () => {
    for (const p of ['openai', 'anthropic', 'local']) server.provider(p).enqueue({ type: 'auth' }, { type: 'auth' });
    const err = await llm({ resilience: { fallbackStrategies: { api_quota: [{ strategy: 'retry' }, { strategy: 'switch_provider' }] } } }).invoke('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(server.requests.map((r) => r.provider)).toEqual(['openai', 'anthropic', 'local']);
  });
});

describe('ResilientLLM secrets', () => {
  it('never shows a key in toString, JSON, inspect, errors or the health report', async () => {
    const l = llm({ resilience: { fallbackStrategies: { api_quota: [{ strategy: 'switch_provider' }] } } });
    for (const p of ['openai', 'anthropic', 'local']) server.provider(p).enqueue({ type: 'auth' });
    const err = await l.invoke('x').catch((e: unknown) => e);
    const report = await l.manager.getHealthReport();
    const everything = [String(l), JSON.stringify(l), inspect(l, { depth: 10 }), inspect(err, { depth: 10 }), JSON.stringify(report)].join('\n');
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
    expect(JSON.stringify(l)).toContain('gpt-4o');
  });
});
