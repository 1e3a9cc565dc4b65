import {
  FallbackExhaustedError,
  FallbackStrategy,
  ResilienceManager,
  ResourceType,
  currentFallback,
  withFallback,
  type FallbackContext,
  type FallbackStepEvent,
} from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResponse } from '../types.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { mockProviders, teamManager } from './__fixtures__/llm-fixture.js';
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

/** The seed's team: a manager with the API quota chain, and a method that just calls `this.llm.invoke()`. */
class MarketingTeam {
  readonly resilience: ResilienceManager;
  readonly llm: ResilientLLM;
  readonly contexts: Array<FallbackContext | undefined> = [];
  readonly steps: FallbackStepEvent[] = [];

  constructor(mock: MockProviderServer) {
    this.resilience = teamManager('marketing-team', {
      fallbackStrategies: {
        api_quota: [
          { strategy: FallbackStrategy.RETRY, maxAttempts: 2 },
          { strategy: FallbackStrategy.SWITCH_PROVIDER },
          { strategy: FallbackStrategy.DEGRADE_SERVICE },
          { strategy: FallbackStrategy.USE_CACHE },
        ],
      },
      queue: { maxWaitMs: 500 },
    });
    this.llm = new ResilientLLM({ manager: this.resilience, providers: mockProviders(mock), timeoutMs: 2000, env: {} });
    this.resilience.onFallbackStep((e) => this.steps.push(e));
    closers.push(() => this.resilience.stop());
  }

  @withFallback(API_QUOTA)
  async generateContent(prompt: string): Promise<ChatResponse> {
    this.contexts.push(currentFallback());
    return this.llm.invoke(prompt);
  }

  trail(): string[] {
    return this.steps.filter((s) => s.outcome !== 'skipped').map((s) => `${s.strategy}:${s.outcome}:${s.provider ?? ''}`);
  }
}

describe('ResilientLLM inside a @withFallback(API_QUOTA) method on the same manager', () => {
  it('primary 429: exactly one request to the primary and one to the secondary (one chain decides)', async () => {
    const team = new MarketingTeam(server);
    server.provider('openai').enqueue({ type: 'rate_limit', retryAfterSeconds: 30 });
    const res = await team.generateContent('tagline');
    expect(res).toMatchObject({ provider: 'anthropic', text: 'anthropic/claude-big: tagline', cached: false });
    expect(server.count({ provider: 'openai' })).toBe(1);
    expect(server.count({ provider: 'anthropic' })).toBe(1);
    expect(server.count()).toBe(2);
    expect(server.maxRetryCount).toBe(0);
    // the method's chain: plain attempt, then (no retry: another provider is available) the switch
    expect(team.trail()).toEqual(['primary:failed:openai', 'switch_provider:answered:anthropic']);
    // the re-invocation told the LLM which provider to use; the 429's cooldown is shared
    expect(team.contexts.map((c) => c?.provider)).toEqual([undefined, 'anthropic']);
    expect(team.resilience.isProviderAvailable(API_QUOTA, 'openai')).toBe(false);

    // the next call goes straight to anthropic: openai is cooling down for every caller
    expect((await team.generateContent('again')).provider).toBe('anthropic');
    expect(server.count({ provider: 'openai' })).toBe(1);
  });

  it('a 500 is retried by the method’s chain on another provider at once: one request per attempt', async () => {
    const team = new MarketingTeam(server);
    server.provider('openai').enqueue({ type: 'server_error' });
    const res = await team.generateContent('x');
    expect(res.provider).toBe('anthropic');
    expect(server.requests.map((r) => [r.provider, r.outcome])).toEqual([['openai', 'server_error'], ['anthropic', 'ok']]);
    expect(team.trail()).toEqual(['primary:failed:openai', 'retry:answered:anthropic']);
  });

  it('DEGRADE_SERVICE of the method’s chain reaches the LLM: the cheaper model answers, after one pass over the providers', async () => {
    const team = new MarketingTeam(server);
    server.provider('openai').enqueue({ type: 'server_error' }, { type: 'server_error' });
    server.provider('anthropic').enqueue({ type: 'server_error' });
    server.provider('local').enqueue({ type: 'server_error' });
    const res = await team.generateContent('y');
    expect(res).toMatchObject({ degraded: true });
    // the plain attempt on openai, its 2 retries sent at once to anthropic and local, the switch back to
    // openai (which cools down), then one degraded call
    expect(server.requests.map((r) => `${r.provider}:${r.outcome}`)).toEqual([
      'openai:server_error',
      'anthropic:server_error',
      'local:server_error',
      'openai:server_error',
      `${res.provider}:ok`,
    ]);
    expect(team.contexts.at(-1)).toMatchObject({ strategy: FallbackStrategy.DEGRADE_SERVICE, degradation: 1 });
  });

  it('when every provider fails, the caller gets the method’s FallbackExhaustedError, not a nested one', async () => {
    const team = new MarketingTeam(server);
    for (const p of ['openai', 'anthropic', 'local']) server.provider(p).enqueue({ type: 'auth' }, { type: 'auth' });
    const err = await team.generateContent('z').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect((err as FallbackExhaustedError).steps.some((s) => s.error instanceof FallbackExhaustedError)).toBe(false);
    // an auth error switches at once (no retry): each provider is asked once; DEGRADE_SERVICE is
    // skipped, since a rejected key does not work with a cheaper model; a nested chain would have doubled it
    expect(server.requests.map((r) => r.provider)).toEqual(['openai', 'anthropic', 'local']);
  });

  it('an LLM with its own manager still runs its own chain inside the team method', async () => {
    const manager = new ResilienceManager('team-only', { env: { RAMPART_LOG_LEVEL: 'silent' } });
    closers.push(() => manager.stop());
    const own = new ResilientLLM({ providers: mockProviders(server), timeoutMs: 2000, env: {}, resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } } });
    closers.push(() => own.close());
    class Team {
      readonly resilience = manager;
      @withFallback(ResourceType.MEMORY)
      async run(prompt: string): Promise<ChatResponse> {
        return own.invoke(prompt);
      }
    }
    server.provider('openai').enqueue({ type: 'rate_limit', retryAfterSeconds: 30 });
    expect((await new Team().run('z')).provider).toBe('anthropic');
    expect(own.manager.isProviderAvailable(API_QUOTA, 'openai')).toBe(false);
    expect(manager.isProviderAvailable(API_QUOTA, 'openai')).toBe(true);
  });
});
