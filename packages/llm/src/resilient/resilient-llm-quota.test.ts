import { ResourceStatus, ResourceType } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { llmOptions, mockProviders, teamManager } from './__fixtures__/llm-fixture.js';
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
function llm(extra: Parameters<typeof llmOptions>[1] = {}): ResilientLLM {
  const l = new ResilientLLM(llmOptions(server, extra));
  llms.push(l);
  return l;
}

describe('ResilientLLM quota monitoring', () => {
  it('feeds rate-limit headers into api_quota:<provider> and goes to another provider before the 429', async () => {
    const l = llm();
    server.provider('openai').setQuota({ requestsLimit: 10, resetMs: 600_000 });
    for (let i = 0; i < 9; i++) expect((await l.invoke(`q${i}`)).provider).toBe('openai');
    await l.manager.checkNow();
    let report = await l.manager.getHealthReport();
    expect(report.resources['api_quota:openai']).toMatchObject({ status: ResourceStatus.DEGRADED, usage: 90, details: { remaining: 1, limit: 10 } });
    expect(l.stats().openai).toMatchObject({ calls: 9, failures: 0, quotaUsagePercent: 90 });
    await l.invoke('q9');
    await l.manager.checkNow();
    report = await l.manager.getHealthReport();
    expect(report.resources['api_quota:openai']).toMatchObject({ status: ResourceStatus.CRITICAL, usage: 100 });
    expect(l.manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(false);
    const next = await l.invoke('q10');
    expect(next.provider).toBe('anthropic');
    expect(server.count({ provider: 'openai' })).toBe(10);
    expect(server.count({ outcome: 'quota_exhausted' })).toBe(0);
  });

  it('reads Anthropic headers the same way', async () => {
    const [openai, anthropic] = mockProviders(server);
    const l = llm({ providers: [anthropic!, openai!] });
    server.provider('anthropic').setQuota({ requestsLimit: 4, resetMs: 60_000 });
    await l.invoke('a');
    await l.manager.checkNow();
    const report = await l.manager.getHealthReport();
    expect(report.resources['api_quota:anthropic']).toMatchObject({ status: ResourceStatus.HEALTHY, usage: 25 });
  });
});

describe('ResilientLLM routing', () => {
  it('cost routing sends calls to the cheapest provider and records their cost', async () => {
    const [openai, anthropic, local] = mockProviders(server);
    const l = llm({
      routing: 'cost',
      providers: [
        { ...openai!, pricing: { inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 } },
        { ...anthropic!, pricing: { inputPerMillionUsd: 3, outputPerMillionUsd: 15 } },
        { ...local!, pricing: { inputPerMillionUsd: 0, outputPerMillionUsd: 0.5 } },
      ],
    });
    const res = await l.invoke('cheap please');
    expect(res.provider).toBe('local');
    expect(res.costUsd).toBeCloseTo((res.usage.outputTokens * 0.5) / 1_000_000, 12);
    // the routed order is this call's own list: the manager's registered list is left as configured
    expect(l.manager.getProviders(ResourceType.API_QUOTA)).toEqual(['openai', 'anthropic', 'local']);
    expect(l.stats().local?.costUsd).toBeCloseTo(res.costUsd!, 12);
  });

  it('two LLMs on one manager keep their own provider order: routing one never reorders the other', async () => {
    const manager = teamManager('two-llms');
    const [openai, anthropic, local] = mockProviders(server);
    const cheap = llm({ manager, routing: 'cost', providers: [{ ...openai!, pricing: { inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 } }, { ...local!, pricing: { inputPerMillionUsd: 0, outputPerMillionUsd: 0.5 } }] });
    const ordered = llm({ manager, providers: [anthropic!, openai!] });
    for (let i = 0; i < 3; i++) {
      // concurrent calls: each routes its own list as it starts
      const [c, o] = await Promise.all([cheap.invoke(`c${i}`), ordered.invoke(`o${i}`)]);
      expect([c.provider, o.provider]).toEqual(['local', 'anthropic']);
    }
    await manager.stop();
  });

  it('latency routing measures each provider once, then prefers the fastest', async () => {
    const l = llm({ routing: 'latency' });
    server.provider('openai').setLatency(120);
    server.provider('anthropic').setLatency(60);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await l.invoke(`p${i}`)).provider);
    expect(seen.slice(0, 3)).toEqual(['openai', 'anthropic', 'local']);
    expect(seen.slice(3)).toEqual(['local', 'local']);
    expect(l.stats().openai?.latencyMs).toBeGreaterThan(l.stats().local!.latencyMs!);
  });
});
