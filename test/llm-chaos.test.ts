import { FallbackStrategy, ResilienceManager, ResourceType, withFallback, type FallbackStepEvent } from '@rampart/core';
import { ResilientLLM, type ChatResponse } from '@rampart/llm';
import { MockProviderServer, type MockFault } from '@rampart/llm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CALLS = 2000;
const CONCURRENCY = 50;
/** 1,500 distinct prompts for 2,000 calls: repeats may be answered by the cache or shared in flight. */
const DISTINCT = 1500;

/** The primary's mixed failures: half of its requests fail one of these ways. */
const FAULTS: MockFault[] = [
  { type: 'rate_limit', retryAfterSeconds: 1, retryAfterMs: 20 },
  { type: 'overloaded' },
  { type: 'unavailable' },
  { type: 'server_error' },
  { type: 'reset' },
  { type: 'malformed' },
  { type: 'hang' },
  { type: 'auth' },
];

let server: MockProviderServer;

class MarketingTeam {
  readonly resilience: ResilienceManager;
  readonly llm: ResilientLLM;

  constructor(mock: MockProviderServer) {
    this.resilience = new ResilienceManager('marketing-team', {
      env: { RAMPART_LOG_LEVEL: 'silent' },
      checkIntervalMs: 50,
      providerCooldownMs: 200,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      queue: { maxWaitMs: 10_000, retryIntervalMs: 20 },
      fallbackStrategies: {
        api_quota: [
          { strategy: FallbackStrategy.RETRY, maxAttempts: 2 },
          { strategy: FallbackStrategy.SWITCH_PROVIDER },
          { strategy: FallbackStrategy.DEGRADE_SERVICE },
          { strategy: FallbackStrategy.USE_CACHE },
          { strategy: FallbackStrategy.QUEUE_REQUEST },
        ],
      },
    });
    this.llm = new ResilientLLM({
      manager: this.resilience,
      timeoutMs: 1000,
      authCooldownMs: 100,
      cooldownMs: 100,
      env: {},
      providers: [
        { name: 'openai', kind: 'openai', model: 'gpt-4o', degradedModel: 'gpt-4o-mini', apiKey: 'sk-chaos-openai', baseURL: mock.openaiBaseURL('openai') },
        { name: 'anthropic', kind: 'anthropic', model: 'claude-big', degradedModel: 'claude-small', apiKey: 'sk-ant-chaos', baseURL: mock.anthropicBaseURL('anthropic') },
        { name: 'local', kind: 'openai-compatible', model: 'llama3.1', baseURL: mock.openaiBaseURL('local') },
      ],
    });
  }

  @withFallback(ResourceType.API_QUOTA)
  async generateContent(prompt: string): Promise<ChatResponse> {
    return this.llm.invoke(prompt);
  }
}

let team: MarketingTeam;

beforeAll(async () => {
  server = await MockProviderServer.start();
  server.provider('openai').setFaultRate(0.5, FAULTS, 2026).setQuota({ requestsLimit: 1_000_000, resetMs: 60_000 });
  team = new MarketingTeam(server);
  await team.resilience.start();
});

afterAll(async () => {
  await team.resilience.stop();
  await server.close();
});

describe('chaos: 2,000 calls through a team method while the primary fails half the time', () => {
  it('answers every call exactly once, from a provider, the cache or the queue, and the health report shows it', async () => {
    const steps: FallbackStepEvent[] = [];
    const sub = team.resilience.onFallbackStep((e) => steps.push(e));
    const prompts = Array.from({ length: CALLS }, (_, i) => `task-${i % DISTINCT}`);
    const results: Array<PromiseSettledResult<ChatResponse>> = new Array(CALLS);
    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        const i = next++;
        results[i] = await team.generateContent(prompts[i]!).then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason: unknown) => ({ status: 'rejected' as const, reason }),
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    sub.dispose();

    // every call answered, each with the answer to its own prompt
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
    expect(rejected.slice(0, 5)).toEqual([]);
    expect(rejected.length).toBe(0);
    const answers = results.map((r) => (r as PromiseFulfilledResult<ChatResponse>).value);
    answers.forEach((a, i) => expect(a.text.endsWith(`: ${prompts[i]}`)).toBe(true));

    // no provider answer delivered as two answers: every distinct answer object has its own provider
    // response id, and that id belongs to a request the server answered successfully
    const fromProviders = [...new Set(answers.filter((a) => !a.cached))];
    expect(new Set(fromProviders.map((a) => a.id)).size).toBe(fromProviders.length);
    const okIds = new Set(server.requests.filter((r) => r.outcome === 'ok').map((r) => (r.format === 'openai' ? `chatcmpl-${r.seq}` : `msg_${r.seq}`)));
    expect(fromProviders.every((a) => okIds.has(a.id))).toBe(true);
    const byProvider = Object.fromEntries(['openai', 'anthropic', 'local'].map((p) => [p, fromProviders.filter((a) => a.provider === p).length]));
    expect(byProvider.openai).toBeGreaterThan(0);
    // answers that did not come from a provider for that call came from the cache or an identical call in flight
    expect(answers.filter((a) => a.cached).every((a) => fromProviders.some((f) => f.id === a.id))).toBe(true);
    expect(byProvider.anthropic! + byProvider.local!).toBeGreaterThan(0);

    // one request per attempt: the SDKs never retried underneath
    expect(server.maxRetryCount).toBe(0);
    const openaiFailures = server.count({ provider: 'openai' }) - server.count({ provider: 'openai', outcome: 'ok' });
    expect(openaiFailures).toBeGreaterThan(100);
    expect(steps.some((s) => s.strategy === FallbackStrategy.SWITCH_PROVIDER && s.outcome === 'answered')).toBe(true);

    // the health report shows the primary's trouble and the team's calls
    await team.resilience.checkNow();
    const report = await team.resilience.getHealthReport();
    expect(report.team).toBe('marketing-team');
    expect(report.components.system.calls).toBeGreaterThanOrEqual(CALLS);
    expect(report.resources['api_quota:openai']?.status).toBeDefined();
    expect(report.resources['api_quota:anthropic']).toBeDefined();
    expect(Object.keys(report.providers.api_quota ?? {})).toEqual(expect.arrayContaining(['openai', 'anthropic', 'local']));
    // the LLM's own books: one attempt = one request received; every failure the server caused is counted
    const stats = team.llm.stats();
    for (const p of ['openai', 'anthropic', 'local']) expect(stats[p]!.calls).toBe(server.count({ provider: p }));
    expect(stats.openai!.failures).toBeGreaterThanOrEqual(openaiFailures);
    expect(JSON.stringify(report)).not.toContain('sk-chaos-openai');
  }, 120_000);
});
