import { afterEach, describe, expect, it } from 'vitest';
import { currentFallback } from '../fallback/fallback-context.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { drive, httpError, rejection, SettableMonitor, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(...args: Parameters<typeof testManager>) {
  const t = testManager(...args);
  managers.push(t.manager);
  return t;
}

const Q = ResourceType.API_QUOTA;
const MCP = ResourceType.MCP_SERVER;

describe('health that knows redundancy', () => {
  it('some providers down while another answers: the resource and the team are degraded; every one down: unavailable', async () => {
    const { manager, clock } = setup({ providers: { [Q]: ['openai', 'anthropic', 'local'] } });
    await manager.start();
    expect((await manager.getHealthReport()).resource_health[Q]).toEqual({ status: 'healthy', providers_available: 3, providers_total: 3 });

    manager.reportProviderFailure(Q, 'openai', { error: httpError(429, 'quota', 60_000) });
    let report = await manager.getHealthReport();
    expect(report.resource_health[Q]).toMatchObject({ status: 'degraded', providers_available: 2, providers_total: 3 });
    expect(report.resource_health[Q]?.reason).toBe('1 of 3 providers unavailable: openai cooling_down');
    expect(report.overall_health).toBe('degraded');

    manager.reportProviderFailure(Q, 'anthropic', { cooldownMs: 30_000 });
    manager.reportProviderFailure(Q, 'local', { cooldownMs: 30_000 });
    report = await manager.getHealthReport();
    expect(report.resource_health[Q]).toMatchObject({ status: 'unavailable', providers_available: 0 });
    expect(report.overall_health).toBe('unavailable'); // every provider cooling down: not healthy

    await clock.tickAsync(30_000); // anthropic's and local's cooldowns end; openai's retry-after has not
    report = await manager.getHealthReport();
    expect(report.resource_health[Q]?.status).toBe('degraded');
    expect(report.overall_health).toBe('degraded');
  });

  it('every provider with its circuit breaker open is unavailable, after their cooldowns have ended', async () => {
    const { manager, clock } = setup({ providers: { [ResourceType.DATABASE]: ['primary', 'replica1'] }, providerCooldownMs: 1_000, circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 } });
    await manager.start();
    const down = () => Promise.reject(httpError(503, 'connection refused'));
    await drive(clock, rejection(manager.execute(ResourceType.DATABASE, down)));
    await clock.tickAsync(2_000); // cooldowns over; breakers still open
    const report = await manager.getHealthReport();
    expect(report.providers[ResourceType.DATABASE]?.primary).toMatchObject({ available: false, state: 'circuit_open', circuit: 'open' });
    expect(report.providers[ResourceType.DATABASE]?.replica1).toMatchObject({ available: false, state: 'circuit_open' });
    expect(report.resource_health[ResourceType.DATABASE]?.status).toBe('unavailable');
    expect(report.overall_health).toBe('unavailable');
  });

  it('one MCP endpoint down while the secondary answers: degraded, not unavailable; both down: unavailable', async () => {
    const { manager, clock } = setup();
    const endpoints = ['supabase/primary', 'supabase/secondary'];
    manager.declareProviders(MCP, endpoints);
    const primary = new SettableMonitor('supabase/primary', MCP);
    const secondary = new SettableMonitor('supabase/secondary', MCP);
    manager.registerMonitor(primary);
    manager.registerMonitor(secondary);
    await manager.start();
    primary.set(ResourceStatus.UNAVAILABLE);
    await manager.checkNow();
    const call = () =>
      manager.execute(MCP, async () => {
        const who = currentFallback()?.provider ?? 'supabase/primary';
        if (who === 'supabase/primary') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return who;
      }, { providers: endpoints });
    await expect(drive(clock, call())).resolves.toBe('supabase/secondary');
    let report = await manager.getHealthReport();
    expect(report.resources['mcp_server:supabase/primary']?.status).toBe('unavailable'); // the monitor's own reading, as ever
    expect(report.providers[MCP]?.['supabase/primary']).toMatchObject({ state: 'monitor_down', why: 'monitor mcp_server:supabase/primary reports unavailable' });
    expect(report.providers[MCP]?.['supabase/primary']?.until).toBeUndefined(); // only its monitor can bring it back
    expect(report.resource_health[MCP]).toMatchObject({ status: 'degraded', providers_available: 1, providers_total: 2 });
    expect(report.overall_health).toBe('degraded');

    // a monitor named after the logical server (not a provider), watching the primary: still degraded
    const logical = new SettableMonitor('supabase', MCP);
    logical.set(ResourceStatus.UNAVAILABLE);
    manager.registerMonitor(logical);
    await manager.checkNow();
    report = await manager.getHealthReport();
    expect(report.resource_health[MCP]?.status).toBe('degraded');
    expect(report.resource_health[MCP]?.reason).toMatch(/monitor supabase unavailable/);
    expect(report.overall_health).toBe('degraded');

    // every endpoint down, no monitor of theirs registered: unavailable, not degraded
    manager.unregisterMonitor('mcp_server:supabase');
    manager.unregisterMonitor('mcp_server:supabase/primary');
    manager.unregisterMonitor('mcp_server:supabase/secondary');
    await expect(drive(clock, call().then(() => manager.execute(MCP, () => Promise.reject(httpError(503)), { providers: endpoints })))).rejects.toThrow();
    report = await manager.getHealthReport();
    expect(report.resource_health[MCP]).toMatchObject({ status: 'unavailable', providers_available: 0 });
    expect(report.overall_health).toBe('unavailable');
  });

  it('per provider: state, why (its last failure, redacted), until when, and latency', async () => {
    const { manager, clock } = setup({ providers: { [Q]: ['openai', 'anthropic'] } });
    await manager.start();
    const secret = 'hunter2-5b7d9f13';
    const key = 'sk-proj-abcdefghijklmnop1234';
    const answer = manager.execute(Q, async () => {
      const who = currentFallback()?.provider ?? 'openai';
      await clock.sleep(who === 'openai' ? 40 : 120);
      if (who === 'openai') throw httpError(429, `quota exceeded at https://app:${secret}@api.example.test for key ${key}`, 10_000);
      return who;
    });
    await expect(drive(clock, answer, 10)).resolves.toBe('anthropic');
    const report = await manager.getHealthReport();
    const openai = report.providers[Q]!.openai!;
    expect(openai).toMatchObject({ available: false, state: 'cooling_down', latency_ms: 40 });
    expect(openai.why).toMatch(/^Error: quota exceeded at https:\/\/app:\[redacted\]@api\.example\.test for key \[redacted\]$/);
    expect(openai.until).toBe(new Date(Date.parse(openai.last_failure_at!) + 10_000).toISOString());
    expect(report.providers[Q]!.anthropic).toEqual({ available: true, cooldown_remaining_ms: 0, state: 'available', latency_ms: 120 });
    expect(JSON.stringify(report)).not.toMatch(new RegExp(`${secret}|${key}`));
  });

  it('a monitor registered without a target is pending with one warning, and never drags the team down', async () => {
    const { manager, clock } = setup({ providers: { [Q]: ['openai', 'anthropic'] } });
    const warnings: string[] = [];
    manager.onWarning((w) => warnings.push(w.message));
    manager.registerMcpMonitor('supabase'); // the seed's register_mcp_monitor("supabase"), no server configured
    await manager.start();
    for (let i = 0; i < 3; i++) {
      await clock.tickAsync(1_000);
      await manager.checkNow();
    }
    let report = await manager.getHealthReport();
    expect(report.resources['mcp_server:supabase']).toMatchObject({ status: 'pending', details: { reason: expect.stringMatching(/^no server to check: /) } });
    expect(report.resource_health[MCP]?.status).toBe('pending');
    expect(report.overall_health).toBe('pending'); // nothing is wrong; one monitor has nothing to check
    expect(warnings).toEqual(['the MCP monitor "supabase" has no server to check; it stays pending']);
    expect(manager.getStatus(MCP)).toBe('pending');

    manager.reportProviderFailure(Q, 'openai');
    report = await manager.getHealthReport();
    expect(report.overall_health).toBe('degraded'); // a real problem still shows
  });
});
