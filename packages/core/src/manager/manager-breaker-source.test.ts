import { afterEach, describe, expect, it } from 'vitest';
import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { httpError, SimulatedProviders, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

/** A team with API quota providers openai → anthropic and a database without providers, both with CIRCUIT_BREAK; network without. */
function team(name = 'writers') {
  const t = testManager(
    {
      providers: { api_quota: ['openai', 'anthropic'], database: [] },
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      fallbackStrategies: {
        api_quota: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)],
        database: [new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)],
        network: [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 1 })],
      },
    },
    name,
  );
  managers.push(t.manager);
  return t;
}

describe('manager.circuitBreakerSource()', () => {
  it('lists the breakers created so far and reports each new one, created lazily by calls', async () => {
    const { manager } = team();
    const source = manager.circuitBreakerSource();
    expect(manager.circuitBreakerSource()).toBe(source);
    expect(source.list()).toEqual([]);
    const created: string[] = [];
    const sub = source.onBreakerCreated((b) => created.push(b.name));
    const llm = new SimulatedProviders('openai');
    expect(await manager.execute(ResourceType.API_QUOTA, llm.call, { args: ['hi'] })).toBe('openai/0:hi');
    expect(created).toEqual(['writers/api_quota/openai']);
    llm.fail('openai', httpError(503));
    expect(await manager.execute(ResourceType.API_QUOTA, llm.call, { args: ['hi'] })).toBe('anthropic/0:hi');
    expect(created).toEqual(['writers/api_quota/openai', 'writers/api_quota/anthropic']);
    expect(source.list().map((b) => b.name)).toEqual(created);
    sub.dispose();
    await manager.execute(ResourceType.DATABASE, async () => 'row');
    expect(created).toHaveLength(2); // disposed
    expect(source.list().map((b) => b.name)).toContain('writers/database');
  });

  it('get(name) returns or creates the team breaker of that name, and nothing for other names', () => {
    const { manager } = team();
    const source = manager.circuitBreakerSource();
    const created: CircuitBreakerPolicy[] = [];
    source.onBreakerCreated((b) => created.push(b));
    const openai = source.get('writers/api_quota/openai');
    expect(openai?.name).toBe('writers/api_quota/openai');
    expect(source.get('writers/api_quota/openai')).toBe(openai);
    expect(source.get('writers/api_quota/azure/eu-west')?.name).toBe('writers/api_quota/azure/eu-west'); // a provider may contain '/'
    expect(source.get('writers/database')?.name).toBe('writers/database');
    expect(created.map((b) => b.name)).toEqual(['writers/api_quota/openai', 'writers/api_quota/azure/eu-west', 'writers/database']);
    for (const name of ['editors/api_quota/openai', 'writers2/api_quota/openai', 'writers/network/x', 'writers/nope/openai', 'writers/api_quota/', 'writers', 'payments']) {
      expect(source.get(name), name).toBeUndefined();
    }
    expect(source.get(42 as never)).toBeUndefined();
    expect(manager.getCircuitBreakers().map((e) => [e.resource, e.provider])).toEqual([
      ['api_quota', 'openai'],
      ['api_quota', 'azure/eu-west'],
      ['database', undefined],
    ]);
  });

  it('a breaker created by get(name) and opened from outside steers the next call straight to the next provider', async () => {
    const { manager, clock } = team();
    const changes: string[] = [];
    manager.onCircuitStateChange((c) => changes.push(`${c.name}:${c.to}:${c.reason}`));
    const openai = manager.circuitBreakerSource().get('writers/api_quota/openai')!;
    const halfOpenAt = clock.wallNow() + 30_000;
    openai.restore({ ...openai.snapshot(), state: CircuitState.Open, isolated: false, halfOpenAt, lastTransitionAt: clock.wallNow() });
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(false);
    const llm = new SimulatedProviders('openai');
    expect(await manager.execute(ResourceType.API_QUOTA, llm.call, { args: ['x'] })).toBe('anthropic/0:x');
    expect(llm.trail()).toEqual(['anthropic/switch_provider']); // openai never called
    expect(changes).toEqual(['writers/api_quota/openai:open:restored']);
    openai.reset();
    expect(await manager.execute(ResourceType.API_QUOTA, llm.call, { args: ['y'] })).toBe('openai/0:y');
  });
});
