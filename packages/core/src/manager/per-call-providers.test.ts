import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import type { FallbackStepEvent } from '../fallback/chain-types.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { MemoryStore } from '../store/memory-store.js';
import { FakeClock } from '../testing/fake-clock.js';
import { drive, httpError, rejection, SettableMonitor, SimulatedProviders, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceConfig } from './resilience-config.js';
import type { ResilienceManager } from './resilience-manager.js';

const { RETRY, SWITCH_PROVIDER, CIRCUIT_BREAK } = FallbackStrategy;
const { MCP_SERVER } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

const SUPABASE = Object.freeze(['supabase/primary', 'supabase/secondary']);
const GITHUB = Object.freeze(['github/primary', 'github/secondary']);

const CONFIG: ResilienceConfig = {
  providerCooldownMs: 30_000,
  circuitBreaker: { failureThreshold: 100, recoveryTimeoutMs: 60_000 },
  fallbackStrategies: { mcp_server: [new FallbackAction(RETRY, { maxAttempts: 1 }), new FallbackAction(SWITCH_PROVIDER), new FallbackAction(CIRCUIT_BREAK)] },
};

function setup(config: ResilienceConfig = CONFIG) {
  const t = testManager(config);
  managers.push(t.manager);
  // one simulated server per logical name; a plain attempt (no fallback context) goes to its list's first provider
  const byPrimary = new Map([SUPABASE, GITHUB].map((list) => [list[0]!, new SimulatedProviders(list[0]!)]));
  const servers = {
    calls: [] as Array<{ provider: string; strategy: string }>,
    fail: (provider: string, error: Error) => byPrimary.get(`${provider.split('/')[0]}/primary`)!.fail(provider, error),
    trail: () => servers.calls.map((c) => `${c.provider}/${c.strategy}`),
  };
  const steps: FallbackStepEvent[] = [];
  t.manager.onFallbackStep((e) => steps.push(e));
  const call = (providers: readonly string[], input: string) => {
    const target = byPrimary.get(providers[0]!)!;
    const fn = async (i: string) => {
      const before = target.calls.length;
      try {
        return await target.call(i);
      } finally {
        const c = target.calls[before]!;
        servers.calls.push({ provider: c.provider, strategy: c.context?.strategy ?? 'plain' });
      }
    };
    return drive(t.clock, t.manager.execute(MCP_SERVER, fn, { key: `call:${providers[0]}`, args: [input], providers }));
  };
  return { ...t, servers, steps, call };
}

describe('execute(type, fn, { providers }): per-call provider lists', () => {
  it("keeps logical targets apart: one server's failing primary does not make another's skipped", async () => {
    const { manager, servers, steps, call } = setup();
    // a refused connection: the server is known down, so the chain switches at once and cools it down
    servers.fail('supabase/primary', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7001'), { code: 'ECONNREFUSED' }));
    await expect(call(SUPABASE, 'a')).resolves.toBe('supabase/secondary/0:a');
    expect(servers.trail()).toEqual(['supabase/primary/plain', 'supabase/secondary/switch_provider']);

    // github's primary is not cooling down and its plain call goes to it, with no fallback step
    servers.calls.length = 0;
    steps.length = 0;
    await expect(call(GITHUB, 'b')).resolves.toBe('github/primary/0:b');
    expect(servers.trail()).toEqual(['github/primary/plain']);
    expect(steps).toEqual([]);
    expect(manager.isProviderAvailable(MCP_SERVER, 'supabase/primary')).toBe(false);
    expect(manager.isProviderAvailable(MCP_SERVER, 'github/primary')).toBe(true);

    // supabase's next call goes straight (proactively) to its secondary
    servers.calls.length = 0;
    await expect(call(SUPABASE, 'c')).resolves.toBe('supabase/secondary/0:c');
    expect(servers.trail()).toEqual(['supabase/secondary/switch_provider']);
    // the registered list is untouched
    expect(manager.getProviders(MCP_SERVER)).toEqual(['primary', 'secondary', 'mock']);
  });

  it("CIRCUIT_BREAK opens only the failing call's providers' breakers, named with '/' in the report", async () => {
    const { manager, clock, servers, call } = setup({ ...CONFIG, queue: { maxWaitMs: 1_000 } });
    servers.fail('supabase/primary', httpError(503));
    servers.fail('supabase/secondary', httpError(503));
    const err = await rejection(call(SUPABASE, 'x'));
    expect((err as Error).name).toBe('FallbackExhaustedError');
    await expect(call(GITHUB, 'y')).resolves.toBe('github/primary/0:y');

    const report = await manager.getHealthReport();
    expect(report.circuits['test-team/mcp_server/supabase/primary']).toMatchObject({ state: 'open', resource: 'mcp_server', provider: 'supabase/primary' });
    expect(report.circuits['test-team/mcp_server/supabase/secondary']).toMatchObject({ state: 'open', provider: 'supabase/secondary' });
    expect(report.circuits['test-team/mcp_server/github/primary']).toMatchObject({ state: 'closed', calls: 1 });
    expect(report.circuits['test-team/mcp_server']?.providers).toMatchObject({ 'supabase/primary': 'open', 'github/primary': 'closed' });
    expect(report.providers.mcp_server).toMatchObject({
      'supabase/primary': { available: false, circuit: 'open' },
      'github/primary': { available: true, cooldown_remaining_ms: 0, circuit: 'closed' },
    });

    // every supabase breaker is open: its calls fail fast, github's still run
    servers.calls.length = 0;
    await clock.tickAsync(31_000); // cooldowns over; the breakers still keep supabase out
    expect((await rejection(call(SUPABASE, 'z'))) as Error).toMatchObject({ name: 'FallbackExhaustedError' });
    await expect(call(GITHUB, 'w')).resolves.toBe('github/primary/0:w');
    expect(servers.trail()).toEqual(['github/primary/plain']);
  });

  it('a monitor named after a qualified provider keeps only that provider out (it is not a resource-level monitor)', async () => {
    const { manager, servers, call } = setup();
    const monitor = new SettableMonitor('supabase/primary', MCP_SERVER);
    monitor.set(ResourceStatus.UNAVAILABLE);
    manager.registerMonitor(monitor);
    await manager.start();
    // declared up front (as ResilientMCPClient does): known before any call uses them
    manager.declareProviders(MCP_SERVER, SUPABASE);
    manager.declareProviders(MCP_SERVER, GITHUB);
    // the seed's default MCP list (primary, secondary, mock) is not in use: only the declared names count
    expect(Object.keys((await manager.getHealthReport()).providers.mcp_server ?? {})).toEqual([
      'supabase/primary',
      'supabase/secondary',
      'github/primary',
      'github/secondary',
    ]);
    await expect(call(GITHUB, 'b')).resolves.toBe('github/primary/0:b');
    await expect(call(SUPABASE, 'a')).resolves.toBe('supabase/secondary/0:a');
    expect(servers.trail()).toEqual(['github/primary/plain', 'supabase/secondary/switch_provider']);
    expect(manager.getStatus(MCP_SERVER)).toBe(ResourceStatus.UNAVAILABLE);
  });

  it('a monitor that is no provider of any list still makes the whole resource type proactive', async () => {
    const { manager, servers, call } = setup();
    const monitor = new SettableMonitor('mcp-gateway', MCP_SERVER);
    monitor.set(ResourceStatus.CRITICAL);
    manager.registerMonitor(monitor);
    await manager.start();
    await expect(call(GITHUB, 'b')).resolves.toBe('github/primary/0:b');
    expect(servers.trail()).toEqual(['github/primary/switch_provider']);
  });

  it("persists and restores breakers of providers whose names contain '/'", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = setup({ ...CONFIG, store, clock, queue: { maxWaitMs: 1_000 } });
    await first.manager.start();
    first.servers.fail('supabase/primary', httpError(503));
    first.servers.fail('supabase/secondary', httpError(503));
    await rejection(first.call(SUPABASE, 'x'));
    await first.manager.stop();
    expect((await store.entries('test-team/breaker/')).map(([k]) => k).sort()).toEqual([
      'test-team/breaker/resource/mcp_server/supabase/primary',
      'test-team/breaker/resource/mcp_server/supabase/secondary',
    ]);

    const second = setup({ ...CONFIG, store, clock });
    await second.manager.start();
    expect(second.manager.isProviderAvailable(MCP_SERVER, 'supabase/primary')).toBe(false);
    expect(second.manager.isProviderAvailable(MCP_SERVER, 'github/primary')).toBe(true);
  });

  it('validates the list: non-empty, non-empty strings, no repeats', async () => {
    const { manager } = setup();
    const run = (providers: unknown) => manager.execute(MCP_SERVER, async () => 1, { providers: providers as string[] });
    for (const [providers, path] of [
      [[], 'providers'],
      [['a', ''], 'providers[1]'],
      [['a', 'a'], 'providers'],
      ['a', 'providers'],
    ] as const) {
      const err = await rejection(run(providers));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).path).toBe(path);
    }
    // a mutable list is copied: changing it later does not change the call
    const list = ['x/1', 'x/2'];
    await expect(run(list)).resolves.toBe(1);
    list.push('x/1');
    await expect(run(list)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('provider lists in the health report', () => {
  it("lists a type's default providers only once a call uses them; config-named ones from the start", async () => {
    const { manager } = setup();
    await manager.start();
    const before = (await manager.getHealthReport()).providers;
    expect(before.database).toBeUndefined();
    expect(before.api_quota).toBeUndefined();
    await manager.execute(ResourceType.DATABASE, async () => 'ok');
    expect(Object.keys((await manager.getHealthReport()).providers.database ?? {})).toEqual(['primary', 'replica1', 'replica2']);

    const configured = testManager({ providers: { api_quota: ['a', 'b'] } });
    managers.push(configured.manager);
    await configured.manager.start();
    expect(Object.keys((await configured.manager.getHealthReport()).providers.api_quota ?? {})).toEqual(['a', 'b']);
  });
});
