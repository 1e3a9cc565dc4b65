import {
  ConfigError,
  currentFallback,
  FallbackAction,
  FallbackStrategy,
  ResilienceManager,
  ResourceStatus,
  ResourceType,
  type MonitorCheckResult,
  type ResourceMonitor,
} from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentCircuitBreakers } from './circuit-breaker-metrics.js';
import { instrumentManager } from './manager-metrics.js';

/** A monitor whose result the test sets. */
class SettableMonitor implements ResourceMonitor {
  result: MonitorCheckResult = { status: ResourceStatus.HEALTHY };
  constructor(
    readonly name: string,
    readonly resourceType: ResourceType,
  ) {}
  async check(): Promise<MonitorCheckResult> {
    return this.result;
  }
}

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

/** A service that always answers 503 (transient). */
const unavailable = async (): Promise<string> => {
  throw httpError(503);
};

/** An LLM call where openai is rate limited (429) and anthropic answers. */
const llm = async (): Promise<string> => {
  if (currentFallback()?.provider === 'anthropic') return 'ok';
  throw httpError(429);
};

const managers: ResilienceManager[] = [];
const disposers: Array<{ dispose(): void }> = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) d.dispose();
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(team = 'team-a', clock = new FakeClock({ wallNow: Date.UTC(2026, 0, 1) })) {
  const manager = new ResilienceManager(team, {
    clock,
    env: { RAMPART_LOG_LEVEL: 'silent' },
    checkIntervalMs: 1_000,
    hysteresis: { worsenAfter: 1, recoverAfter: 1 },
    providers: { api_quota: ['openai', 'anthropic'] },
    providerCooldownMs: 30_000,
    fallbackStrategies: {
      database: [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 })],
      api_quota: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)],
      network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)],
    },
  });
  managers.push(manager);
  return { manager, clock };
}

function instrument(...args: Parameters<typeof instrumentManager>) {
  const i = instrumentManager(...args);
  disposers.push(i);
  return i;
}

/** The sample lines (no HELP/TYPE) of the metric `name`. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

/** Run a call to completion on fake time; returns its value or error. */
async function settle(clock: FakeClock, p: Promise<unknown>, ms = 100): Promise<unknown> {
  const r = p.catch((e: unknown) => e);
  await clock.tickAsync(ms);
  return r;
}

describe('instrumentManager', () => {
  it('exports health status and usage from the last checks, updated at scrape time', async () => {
    const { manager, clock } = setup();
    const db = new SettableMonitor('primary', ResourceType.DATABASE);
    db.result = { status: ResourceStatus.DEGRADED, usage: 85 };
    manager.registerMonitor(db);
    await manager.start();
    const { registry } = instrument(manager);
    // components: overall, system, each resource type (as its providers and monitors make it: api_quota has providers), each monitor
    expect(await lines(registry, 'rampart_health_status')).toEqual([
      'rampart_health_status{team="team-a",component="overall",status="healthy"} 0',
      'rampart_health_status{team="team-a",component="overall",status="pending"} 0',
      'rampart_health_status{team="team-a",component="overall",status="degraded"} 1',
      'rampart_health_status{team="team-a",component="overall",status="critical"} 0',
      'rampart_health_status{team="team-a",component="overall",status="unavailable"} 0',
      'rampart_health_status{team="team-a",component="system",status="healthy"} 1',
      'rampart_health_status{team="team-a",component="system",status="pending"} 0',
      'rampart_health_status{team="team-a",component="system",status="degraded"} 0',
      'rampart_health_status{team="team-a",component="system",status="critical"} 0',
      'rampart_health_status{team="team-a",component="system",status="unavailable"} 0',
      'rampart_health_status{team="team-a",component="api_quota",status="healthy"} 1',
      'rampart_health_status{team="team-a",component="api_quota",status="pending"} 0',
      'rampart_health_status{team="team-a",component="api_quota",status="degraded"} 0',
      'rampart_health_status{team="team-a",component="api_quota",status="critical"} 0',
      'rampart_health_status{team="team-a",component="api_quota",status="unavailable"} 0',
      'rampart_health_status{team="team-a",component="database",status="healthy"} 0',
      'rampart_health_status{team="team-a",component="database",status="pending"} 0',
      'rampart_health_status{team="team-a",component="database",status="degraded"} 1',
      'rampart_health_status{team="team-a",component="database",status="critical"} 0',
      'rampart_health_status{team="team-a",component="database",status="unavailable"} 0',
      'rampart_health_status{team="team-a",component="database:primary",status="healthy"} 0',
      'rampart_health_status{team="team-a",component="database:primary",status="pending"} 0',
      'rampart_health_status{team="team-a",component="database:primary",status="degraded"} 1',
      'rampart_health_status{team="team-a",component="database:primary",status="critical"} 0',
      'rampart_health_status{team="team-a",component="database:primary",status="unavailable"} 0',
    ]);
    expect(await lines(registry, 'rampart_resource_usage_percent')).toEqual(['rampart_resource_usage_percent{team="team-a",component="database:primary"} 85']);

    db.result = { status: ResourceStatus.CRITICAL, usage: 97.5 };
    await clock.tickAsync(1_000);
    const health = await lines(registry, 'rampart_health_status');
    expect(health).toContain('rampart_health_status{team="team-a",component="database:primary",status="critical"} 1');
    expect(health).toContain('rampart_health_status{team="team-a",component="database:primary",status="degraded"} 0');
    expect(health).toContain('rampart_health_status{team="team-a",component="overall",status="critical"} 1');
    expect(await lines(registry, 'rampart_resource_usage_percent')).toEqual(['rampart_resource_usage_percent{team="team-a",component="database:primary"} 97.5']);
  });

  it('counts fallback steps, exhausted chains and provider cooldowns, and shows queue sizes', async () => {
    const { manager, clock } = setup();
    await manager.start();
    const { registry } = instrument(manager);
    expect(await lines(registry, 'rampart_fallback_steps_total')).toEqual([]);

    expect(await settle(clock, manager.execute(ResourceType.DATABASE, unavailable))).toMatchObject({ name: 'FallbackExhaustedError' });
    expect(await settle(clock, manager.execute(ResourceType.DATABASE, unavailable))).toMatchObject({ name: 'FallbackExhaustedError' });
    expect(await settle(clock, manager.execute(ResourceType.API_QUOTA, llm))).toBe('ok');
    const queued = manager.execute(ResourceType.NETWORK, unavailable).catch((e: unknown) => e);
    await clock.tickAsync(100);

    expect(await lines(registry, 'rampart_fallback_steps_total')).toEqual([
      'rampart_fallback_steps_total{team="team-a",resource="database",strategy="primary",outcome="failed"} 2',
      'rampart_fallback_steps_total{team="team-a",resource="database",strategy="retry",outcome="failed"} 2',
      'rampart_fallback_steps_total{team="team-a",resource="api_quota",strategy="primary",outcome="failed"} 1',
      'rampart_fallback_steps_total{team="team-a",resource="api_quota",strategy="switch_provider",outcome="answered"} 1',
      'rampart_fallback_steps_total{team="team-a",resource="network",strategy="primary",outcome="failed"} 1',
    ]);
    expect(await lines(registry, 'rampart_fallback_exhausted_total')).toEqual(['rampart_fallback_exhausted_total{team="team-a",resource="database"} 2']);
    expect(await lines(registry, 'rampart_provider_cooldowns_total')).toEqual([
      'rampart_provider_cooldowns_total{team="team-a",resource="api_quota",provider="openai"} 1',
    ]);
    // a cooldown learnt from another replica (shareProviderState) is counted where its failure happened
    manager.reportProviderFailure(ResourceType.API_QUOTA, 'anthropic', { cooldownMs: 1_000, origin: 'shared' });
    expect(await lines(registry, 'rampart_provider_cooldowns_total')).toEqual([
      'rampart_provider_cooldowns_total{team="team-a",resource="api_quota",provider="openai"} 1',
    ]);
    expect(await lines(registry, 'rampart_queue_size')).toEqual(['rampart_queue_size{team="team-a",resource="network"} 1']);
    await manager.stop();
    expect(await queued).toMatchObject({ name: 'QueueStoppedError' });
  });

  it("exports the state of the manager's own per-provider breakers", async () => {
    const clock = new FakeClock({ wallNow: Date.UTC(2026, 0, 1) });
    const manager = new ResilienceManager('team-b', {
      clock,
      env: { RAMPART_LOG_LEVEL: 'silent' },
      providers: { database: ['a', 'b'] },
      fallbackStrategies: {
        database: [new FallbackAction(FallbackStrategy.CIRCUIT_BREAK), new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)],
      },
    });
    managers.push(manager);
    await manager.start();
    const { registry } = instrument(manager);
    const db = async (): Promise<string> => {
      if (currentFallback()?.provider === 'b') return 'b';
      throw httpError(503);
    };
    expect(await settle(clock, manager.execute(ResourceType.DATABASE, db))).toBe('b');
    expect(await lines(registry, 'rampart_resource_circuitbreaker_state')).toEqual([
      'rampart_resource_circuitbreaker_state{team="team-b",resource="database",provider="a",state="closed"} 0',
      'rampart_resource_circuitbreaker_state{team="team-b",resource="database",provider="a",state="open"} 1',
      'rampart_resource_circuitbreaker_state{team="team-b",resource="database",provider="a",state="half_open"} 0',
      'rampart_resource_circuitbreaker_state{team="team-b",resource="database",provider="b",state="closed"} 1',
      'rampart_resource_circuitbreaker_state{team="team-b",resource="database",provider="b",state="open"} 0',
      'rampart_resource_circuitbreaker_state{team="team-b",resource="database",provider="b",state="half_open"} 0',
    ]);
  });

  it('shares a registry between teams; dispose() unsubscribes one team and the last one unregisters', async () => {
    const clock = new FakeClock({ wallNow: Date.UTC(2026, 0, 1) });
    const a = setup('team-a', clock).manager;
    const b = setup('team-b', clock).manager;
    const registry = new Registry();
    const ia = instrumentManager(a, { registry });
    const ib = instrument(b, { registry });
    expect(ib.registry).toBe(registry);
    expect(() => instrumentManager(a, { registry })).toThrow(ConfigError);

    await settle(clock, a.execute(ResourceType.DATABASE, unavailable));
    ia.dispose();
    ia.dispose();
    await settle(clock, a.execute(ResourceType.DATABASE, unavailable));
    await settle(clock, b.execute(ResourceType.DATABASE, unavailable));
    expect(await lines(registry, 'rampart_fallback_exhausted_total')).toEqual([
      'rampart_fallback_exhausted_total{team="team-a",resource="database"} 1',
      'rampart_fallback_exhausted_total{team="team-b",resource="database"} 1',
    ]);
    const health = await lines(registry, 'rampart_health_status');
    expect(health.some((l) => l.includes('team="team-a"'))).toBe(false);
    expect(health).toContain('rampart_health_status{team="team-b",component="system",status="healthy"} 1');

    ib.dispose();
    await settle(clock, b.execute(ResourceType.DATABASE, unavailable));
    expect(await registry.metrics()).not.toContain('rampart_');
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('uses the prefix, and validates its arguments', async () => {
    const { manager } = setup();
    const { registry } = instrument(manager, { prefix: 'app_' });
    expect(await lines(registry, 'app_health_status')).toContain('app_health_status{team="team-a",component="system",status="healthy"} 1');
    expect(await registry.metrics()).not.toContain('rampart_');
    expect(() => instrumentManager(manager, { prefix: 'bad-prefix' })).toThrow(ConfigError);
    expect(() => instrumentManager(manager, { registry: {} as Registry })).toThrow(ConfigError);
    expect(() => instrumentManager({} as ResilienceManager)).toThrow(ConfigError);
    expect(() => instrumentManager(manager, { namespace: 'app_' } as never)).toThrow(expect.objectContaining({ path: 'instrumentManager.options.namespace' }));
    expect(() => instrumentCircuitBreakers(undefined, { prefx: 'app_' } as never)).toThrow('instrumentCircuitBreakers.options.prefx: unknown option; did you mean prefix?');
  });
});
