import { ConfigError, ResourceType } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HedgingOptions } from '../routing/hedging.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { HeldFront } from './__fixtures__/held-front.js';
import { llmOptions, mockProviders } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

let server: MockProviderServer;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await server.close();
});

/** A ResilientLLM whose primary (openai) sits behind a front holding its i-th request `hold(i)` ms. */
async function hedged(hedging: HedgingOptions, hold: (i: number) => number, extra: Parameters<typeof llmOptions>[1] = {}) {
  const front = new HeldFront(`${server.url}/openai`, hold);
  const [openai, ...rest] = mockProviders(server);
  const providers = [{ ...openai!, baseURL: await front.open() }, ...rest];
  const llm = new ResilientLLM(llmOptions(server, { providers, hedging, cache: false, ...extra }));
  closers.push(() => front.close(), () => llm.close());
  return { llm, front };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('ResilientLLM hedging', () => {
  it('asks the next provider after the delay, returns its answer, cancels the slow request and cools nothing down', async () => {
    const { llm, front } = await hedged({ delayMs: 50, maxExtraPercent: 100 }, () => 30_000);
    const res = await llm.invoke('slow primary');
    expect(res).toMatchObject({ provider: 'anthropic', text: 'anthropic/claude-big: slow primary' });
    await until(() => front.requests[0]!.cancelled);
    expect(front.requests).toEqual([{ cancelled: true, answered: false }]);
    // the loser is not the primary's failure: no cooldown, no failure in its stats
    expect(llm.manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(true);
    expect(llm.stats().openai).toMatchObject({ calls: 0, failures: 0 });
    expect(llm.stats().anthropic).toMatchObject({ calls: 1, failures: 0 });
  });

  it('a primary that answers within the delay is asked alone', async () => {
    const { llm, front } = await hedged({ delayMs: 5_000, maxExtraPercent: 100 }, () => 0);
    expect((await llm.invoke('fast')).provider).toBe('openai');
    expect(front.requests).toHaveLength(1);
    expect(server.count({ provider: 'anthropic' })).toBe(0);
  });

  it('the hedge goes to the next available provider: one cooling down is passed over', async () => {
    const { llm } = await hedged({ delayMs: 50, maxExtraPercent: 100 }, () => 30_000);
    llm.manager.reportProviderFailure(ResourceType.API_QUOTA, 'anthropic', { cooldownMs: 60_000 });
    expect((await llm.invoke('anthropic cools down')).provider).toBe('local');
    expect(server.count({ provider: 'anthropic' })).toBe(0);
  });

  it('keeps extra requests within maxExtraPercent of the calls', async () => {
    // every primary request takes 500 ms, past the 20 ms delay: each call would hedge without the cap
    // (and a hedge answers well before the primary, even on a slow machine)
    const { llm, front } = await hedged({ delayMs: 20, maxExtraPercent: 20 }, () => 500);
    const by: string[] = [];
    for (let i = 0; i < 10; i++) by.push((await llm.invoke(`call ${i}`)).provider);
    expect(server.count({ provider: 'anthropic' })).toBe(2); // 20% of 10 calls: the 1st and the 6th
    expect(by.filter((p) => p === 'anthropic')).toHaveLength(2);
    expect(front.requests).toHaveLength(10);
  });

  it('maxExtraRequests 2 asks a third provider after another delay', async () => {
    const { llm } = await hedged({ delayMs: 50, maxExtraPercent: 200, maxExtraRequests: 2 }, () => 30_000);
    server.provider('anthropic').enqueue({ type: 'hang' });
    expect((await llm.invoke('two slow')).provider).toBe('local');
  });

  it('the call deadline ends a hedged call: every request is cancelled', async () => {
    const { llm, front } = await hedged({ delayMs: 20, maxExtraPercent: 100 }, () => 30_000, { deadlineMs: 300 });
    server.provider('anthropic').enqueue({ type: 'hang' });
    server.provider('local').enqueue({ type: 'hang' }, { type: 'hang' }, { type: 'hang' });
    await expect(llm.invoke('nobody answers')).rejects.toThrow(/deadline of 300 ms/);
    await until(() => front.requests.every((r) => r.cancelled));
    expect(front.requests.length).toBeGreaterThan(0);
    expect(front.requests.every((r) => r.cancelled)).toBe(true);
  });

  it('a hedge that fails leaves the first request running, and its answer is returned', async () => {
    const { llm } = await hedged({ delayMs: 20, maxExtraPercent: 100 }, () => 200);
    server.provider('anthropic').enqueue({ type: 'server_error' });
    const res = await llm.invoke('hedge fails');
    expect(res.provider).toBe('openai');
    expect(server.count({ provider: 'anthropic', outcome: 'server_error' })).toBe(1);
  });

  it('when both requests fail, the chain receives an error naming both', async () => {
    const { llm } = await hedged({ delayMs: 20, maxExtraPercent: 100 }, () => 200, { resilience: { fallbackStrategies: { [ResourceType.API_QUOTA]: [] } } });
    server.provider('openai').enqueue({ type: 'bad_request' });
    server.provider('anthropic').enqueue({ type: 'bad_request' });
    const err = await llm.invoke('both fail').catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/Every hedged request failed: anthropic: .*; openai: /);
  });

  it('a stream is hedged until its first token: the slow one is cancelled, the text comes from one provider only', async () => {
    const { llm, front } = await hedged({ delayMs: 50, maxExtraPercent: 100 }, () => 30_000);
    let text = '';
    const providers = new Set<string>();
    for await (const chunk of llm.stream('stream slow primary')) {
      text += chunk.text;
      providers.add(chunk.provider);
    }
    expect(text).toBe('anthropic/claude-big: stream slow primary');
    expect([...providers]).toEqual(['anthropic']);
    await until(() => front.requests[0]!.cancelled);
    expect(front.requests).toEqual([{ cancelled: true, answered: false }]);
    expect(llm.manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(true);
  });

  it('a stream that has shown its first token within the delay is never hedged', async () => {
    // the delay is far beyond the first token's time, however slow the machine
    const { llm, front } = await hedged({ delayMs: 2_000, maxExtraPercent: 100 }, () => 0);
    let text = '';
    for await (const chunk of llm.stream('a long answer in many words')) text += chunk.text;
    expect(text).toBe('openai/gpt-4o: a long answer in many words');
    expect(front.requests).toHaveLength(1);
    expect(server.count({ provider: 'anthropic' })).toBe(0);
  });

  it('rejects bad hedging options with a ConfigError naming the path', () => {
    const bad = (hedging: unknown) => () => new ResilientLLM(llmOptions(server, { hedging: hedging as HedgingOptions }));
    expect(bad({ delayMs: -1 })).toThrow(ConfigError);
    expect(bad({ delayMs: 'p99' })).toThrow(/hedging\.delayMs/);
    expect(bad({ maxExtraPercent: -5 })).toThrow(/hedging\.maxExtraPercent/);
    expect(bad({ maxExtraRequests: 0 })).toThrow(/hedging\.maxExtraRequests/);
    expect(bad({ delay: 5 })).toThrow(/hedging/);
  });
});
