// Seed 001's usage examples, in TypeScript. Runs as TC39 and as legacy decorators.
import { afterEach, describe, expect, it } from 'vitest';
import { circuitBreakers, createCircuitBreaker } from '../breaker/circuit-breaker-registry.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { currentFallback } from '../fallback/fallback-context.js';
import { withFallback } from '../fallback/with-fallback.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { drive, httpError, memoryLogger } from './__fixtures__/manager-fixtures.js';
import { ResilienceManager } from './resilience-manager.js';
import type { ResilienceConfig } from './resilience-config.js';

/** An in-process LLM pair: `quotaLeft` requests per provider, then 429s. */
class SimulatedLlm {
  quotaLeft: Record<string, number> = { openai: 1_000, anthropic: 1_000, local: Number.POSITIVE_INFINITY };
  readonly limit = 1_000;
  readonly answeredBy: string[] = [];

  async invoke(prompt: string): Promise<string> {
    const provider = currentFallback()?.provider ?? 'openai';
    if (this.quotaLeft[provider]! <= 0) throw httpError(429, `${provider}: quota exhausted`);
    this.quotaLeft[provider]!--;
    this.answeredBy.push(provider);
    const cheap = (currentFallback()?.degradation ?? 0) > 0 ? ' (cheap model)' : '';
    return `[${provider}${cheap}] ${prompt}`;
  }
}

const teams: Array<{ resilience: ResilienceManager }> = [];
afterEach(async () => {
  await Promise.all(teams.splice(0).map((t) => t.resilience.stop()));
  circuitBreakers.clear();
});

const clock = new FakeClock();
const base: ResilienceConfig = { env: {}, clock, logger: memoryLogger().logger, retry: { baseDelayMs: 100 } };

// ### Basic Team Integration
class MarketingTeam {
  resilience: ResilienceManager;
  llm = new SimulatedLlm();

  constructor(config: ResilienceConfig = {}) {
    this.resilience = new ResilienceManager('marketing-team', { ...base, ...config });
    teams.push(this);
  }

  async start(): Promise<void> {
    // Start resilience monitoring
    await this.resilience.start();
    // Register custom monitors
    this.resilience.registerMcpMonitor('supabase');
    this.resilience.registerApiQuotaMonitor('openai', () => this.checkOpenaiQuota());
  }

  checkOpenaiQuota(): { remaining: number; limit: number } {
    return { remaining: this.llm.quotaLeft.openai!, limit: this.llm.limit };
  }

  @withFallback(ResourceType.API_QUOTA)
  async generateContent(prompt: string): Promise<string> {
    // Automatically handles API quota failures
    return this.llm.invoke(prompt);
  }

  // ### Full Resilience Stack
  async processRequest(requestData: { topic: string }): Promise<string> {
    // Execute with full resilience protection
    return this.resilience.withResilience(this.processImpl, ResourceType.API_QUOTA, requestData);
  }

  private processImpl = async (requestData: { topic: string }): Promise<string> => this.llm.invoke(`post about ${requestData.topic}`);
}

describe('seed 001 usage examples', () => {
  it('Basic Team Integration: quota failures are handled without extra code in the method', async () => {
    const team = new MarketingTeam();
    await team.start();
    await expect(team.generateContent('spring sale')).resolves.toBe('[openai] spring sale');
    team.llm.quotaLeft.openai = 0; // quota exhausted
    await expect(drive(clock, team.generateContent('summer sale'))).resolves.toBe('[anthropic] summer sale');
    await team.resilience.checkNow();
    expect(team.resilience.getMonitorStatus('api_quota:openai')).toMatchObject({ status: 'critical', usage: 100 });
    // proactive: openai is known to be exhausted, so it is not even tried
    team.llm.answeredBy.length = 0;
    await expect(drive(clock, team.generateContent('autumn sale'))).resolves.toBe('[anthropic] autumn sale');
    expect(team.llm.answeredBy).toEqual(['anthropic']);
    // the MCP monitor is registered; without a server configuration it is pending and says why
    expect(team.resilience.getMonitorStatus('mcp_server:supabase')).toMatchObject({
      status: 'pending',
      details: { reason: expect.stringMatching(/^no server to check: .*needs the server: \{ command, args \} \(stdio\) or \{ url \}/) },
    });
  });

  it('Full Resilience Stack: withResilience(fn, ResourceType.API_QUOTA, ...args)', async () => {
    const team = new MarketingTeam();
    await team.start();
    await expect(team.processRequest({ topic: 'tea' })).resolves.toBe('[openai] post about tea');
    team.llm.quotaLeft.openai = 0;
    team.llm.quotaLeft.anthropic = 0;
    await expect(drive(clock, team.processRequest({ topic: 'coffee' }))).resolves.toBe('[local] post about coffee');
  });

  it('Per-Team Configuration: the team chain replaces the default one', async () => {
    // In the team's module
    const resilienceConfig: ResilienceConfig = {
      checkIntervalMs: 20_000,
      fallbackStrategies: {
        [ResourceType.API_QUOTA]: [
          new FallbackAction(FallbackStrategy.SWITCH_PROVIDER, { target: 'anthropic' }),
          new FallbackAction(FallbackStrategy.USE_CACHE, { priority: 1 }),
        ],
      },
    };
    const team = new MarketingTeam(resilienceConfig);
    await team.start();
    expect(team.resilience.config.checkIntervalMs).toBe(20_000);
    await expect(team.generateContent('launch')).resolves.toBe('[openai] launch');
    team.llm.quotaLeft.openai = 0;
    await expect(team.generateContent('launch')).resolves.toBe('[anthropic] launch'); // no retry: switch first
    team.llm.quotaLeft.anthropic = 0;
    // anthropic is rate limited: the chain waits for it once (within the deadline), then answers from the cache
    await expect(drive(clock, team.generateContent('launch'))).resolves.toBe('[anthropic] launch');
    expect(team.llm.answeredBy).toEqual(['openai', 'anthropic']);
  });

  it('Health Status Dashboard: getHealthReport() in the seed shape', async () => {
    const team = new MarketingTeam();
    const dbBreaker = createCircuitBreaker('database_query', { clock });
    for (let i = 0; i < 49; i++) await dbBreaker.execute(async () => 'row');
    await dbBreaker.execute(async () => Promise.reject(httpError(503))).catch(() => undefined);
    team.llm.quotaLeft.openai = 145; // 85.5 % used
    await team.start();
    await clock.tickAsync(3_600_000);
    await team.resilience.checkNow();
    const report = await team.resilience.getHealthReport();
    expect(report).toMatchObject({
      team: 'marketing-team',
      overall_health: 'degraded', // openai's quota is 85.5 % used; the MCP monitor without a server is only pending
      components: { system: { status: 'healthy', uptime: 3600, error_rate: 0 } },
      resources: { 'api_quota:openai': { status: 'degraded', usage: 85.5 }, 'mcp_server:supabase': { status: 'pending' } },
      circuits: { database_query: { state: 'closed', success_rate: 0.98 } },
    });
    expect(report.timestamp).toBe(new Date(clock.wallNow()).toISOString());
    team.resilience.unregisterMonitor('mcp_server:supabase');
    expect((await team.resilience.getHealthReport()).overall_health).toBe('degraded');
  });
});
