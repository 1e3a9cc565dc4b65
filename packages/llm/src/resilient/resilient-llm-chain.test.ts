import { classifyError, FallbackExhaustedError, NoProviderAvailableError, ResourceType } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { llmOptions } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

let server: MockProviderServer;
const llms: ResilientLLM[] = [];
beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  for (const l of llms.splice(0)) await l.close();
  await server.close();
});

type Chain = Array<{ strategy: 'retry' | 'switch_provider' | 'degrade_service' | 'use_cache' | 'queue_request' }>;
function llm(chain?: Chain, extra: Parameters<typeof llmOptions>[1] = {}): ResilientLLM {
  const l = new ResilientLLM(llmOptions(server, { ...extra, resilience: { ...(chain ? { fallbackStrategies: { api_quota: chain } } : {}), ...extra.resilience } }));
  llms.push(l);
  return l;
}
const allProviders = ['openai', 'anthropic', 'local'];

describe('ResilientLLM in the fallback chain', () => {
  it('DEGRADE_SERVICE answers with the provider’s cheaper model', async () => {
    server.provider('openai').enqueue({ type: 'server_error' });
    const res = await llm([{ strategy: 'degrade_service' }]).invoke('hi');
    expect(res).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', degraded: true, text: 'openai/gpt-4o-mini: hi' });
    expect(server.requests.map((r) => r.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('USE_CACHE answers an identical request from the cache, marked cached, whichever provider wrote it', async () => {
    const l = llm([{ strategy: 'switch_provider' }, { strategy: 'use_cache' }]);
    const fresh = await l.invoke({ system: 's', messages: [{ role: 'user', content: 'tagline' }] });
    expect(fresh).toMatchObject({ provider: 'openai', cached: false });
    for (const p of allProviders) server.provider(p).enqueue({ type: 'server_error' });
    const again = await l.invoke({ system: 's', messages: [{ role: 'user', content: 'tagline' }] });
    expect(again).toEqual({ ...fresh, cached: true });
    expect(again).not.toBe(fresh);
    // a different prompt has nothing cached: never answered from the cache. SWITCH_PROVIDER may wait
    // out the short cooldowns the 500s caused (transientCooldownMs) and get an answer from a
    // provider, or give up when they fail again: which, depends on timing
    for (const p of allProviders) server.provider(p).enqueue({ type: 'server_error' });
    const other = await l.invoke('a different prompt').catch((e: unknown) => e);
    if (other instanceof Error) expect(other).toBeInstanceOf(FallbackExhaustedError);
    else expect(other).toMatchObject({ cached: false, text: expect.stringMatching(/a different prompt$/) });
  });

  it('one 429 is one cooldown event: the LLM reports it, and the chain that sees it rethrown does not report it again', async () => {
    const l = llm([{ strategy: 'switch_provider' }]);
    const cooldowns: string[] = [];
    l.manager.onProviderCooldown((e) => cooldowns.push(`${e.provider} ${e.cooldownMs}`));
    server.provider('openai').enqueue({ type: 'rate_limit', retryAfterMs: 5_000, retryAfterSeconds: 5 });
    expect((await l.invoke('x')).provider).toBe('anthropic');
    expect(cooldowns).toEqual(['openai 5000']);
  });

  it('a 429 with another provider available switches at once, and its error keeps the meaning it was created with', async () => {
    const l = llm([{ strategy: 'retry' }, { strategy: 'switch_provider' }]);
    const seen: unknown[] = [];
    l.manager.onFallbackStep((e) => e.strategy === 'primary' && seen.push(e.error));
    server.provider('openai').enqueue({ type: 'rate_limit', retryAfterMs: 400, retryAfterSeconds: 1 });
    expect((await l.invoke('x')).provider).toBe('anthropic');
    expect(server.requests.map((r) => r.provider)).toEqual(['openai', 'anthropic']);
    // the chain decided to switch; the error was not rewritten to make it
    expect(classifyError(seen[0])).toEqual({ kind: 'rate_limited', retryAfterMs: 400 });
    expect(Object.getOwnPropertyDescriptor(seen[0], 'rampartClassification')).toMatchObject({ writable: false, configurable: false });
  });

  it('cache: false keeps a call out of the cache', async () => {
    const l = llm([{ strategy: 'use_cache' }]);
    await l.invoke('p', { cache: false });
    server.provider('openai').enqueue({ type: 'server_error' });
    await expect(l.invoke('p', { cache: false })).rejects.toBeInstanceOf(FallbackExhaustedError);
  });

  it('when every provider is cooling down, waits for the first to come back within the deadline', async () => {
    const l = llm([{ strategy: 'switch_provider' }]);
    // openai's cooldown ends long after anthropic's, however slow the machine is between the two 429s
    server.provider('openai').enqueue({ type: 'rate_limit', retryAfterMs: 5_000, retryAfterSeconds: 5 });
    server.provider('anthropic').enqueue({ type: 'rate_limit', retryAfterMs: 150, retryAfterSeconds: 1 });
    server.provider('local').enqueue({ type: 'overloaded' });
    const startedAt = performance.now();
    const res = await l.invoke('x');
    expect(res.provider).toBe('anthropic');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(100);
    expect(server.requests.map((r) => r.provider)).toEqual(['openai', 'anthropic', 'local', 'anthropic']);
  });

  it('fails without waiting when the first provider comes back only after the deadline', async () => {
    const l = llm([{ strategy: 'switch_provider' }], { resilience: { queue: { maxWaitMs: 200 } } });
    for (const p of allProviders) server.provider(p).enqueue({ type: 'rate_limit', retryAfterSeconds: 30 });
    const err = await l.invoke('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect((err as FallbackExhaustedError).steps.map((s) => s.strategy)).toEqual(['primary', 'switch_provider']);
    expect(server.count()).toBe(3);
    // a call made now finds every provider cooling down and no time to wait for one
    const next = await l.invoke('y').catch((e: unknown) => e);
    expect((next as FallbackExhaustedError).steps.at(-1)?.error).toBeInstanceOf(NoProviderAvailableError);
    expect(server.count()).toBe(3);
  });

  it('QUEUE_REQUEST parks the call while every provider is exhausted and answers it once one recovers', async () => {
    const l = llm([{ strategy: 'switch_provider' }, { strategy: 'queue_request' }], { resilience: { queue: { maxWaitMs: 5000, retryIntervalMs: 20 } } });
    for (const p of allProviders) server.provider(p).enqueue({ type: 'rate_limit', retryAfterSeconds: 60 });
    const pending = l.invoke('later please');
    while (server.count() < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(server.count()).toBe(3);
    l.manager.reportProviderSuccess(ResourceType.API_QUOTA, 'anthropic');
    const res = await pending;
    expect(res.text).toMatch(/: later please$/);
    expect(server.count()).toBe(4);
  });
});
