import { currentFallback, FallbackStrategy, ResilienceManager, ResourceStatus, type MonitorCheckResult, type ResourceMonitor } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentManager } from './manager-metrics.js';

const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** The monitor of a custom `vector_db` provider, whose result the test sets. */
const qdrant: ResourceMonitor & { result: MonitorCheckResult } = {
  name: 'qdrant',
  resourceType: 'vector_db',
  result: { status: ResourceStatus.UNAVAILABLE },
  async check() {
    return this.result;
  },
};

describe('instrumentManager with a custom resource type', () => {
  it('labels its health, steps, cooldowns and breakers with its name', async () => {
    const clock = new FakeClock({ wallNow: Date.UTC(2026, 0, 1) });
    const manager = new ResilienceManager('search', {
      clock,
      env: { RAMPART_LOG_LEVEL: 'silent' },
      resourceTypes: ['vector_db'],
      providers: { vector_db: ['pinecone', 'qdrant'] },
      fallbackStrategies: { vector_db: [{ strategy: FallbackStrategy.SWITCH_PROVIDER }, { strategy: FallbackStrategy.CIRCUIT_BREAK }] },
    });
    manager.registerMonitor(qdrant);
    await manager.start();
    const metrics = instrumentManager(manager);
    stops.push(() => metrics.dispose(), () => manager.stop());
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const call = manager.execute('vector_db', async () => {
      if ((currentFallback()?.provider ?? 'pinecone') === 'pinecone') throw refused;
      return 'ok';
    });
    await expect(call.catch((e: unknown) => e)).resolves.toBeInstanceOf(Error); // qdrant's monitor is down: no provider left

    const text = await metrics.registry.metrics();
    expect(text).toContain('rampart_health_status{team="search",component="vector_db",status="unavailable"} 1');
    expect(text).toContain('rampart_health_status{team="search",component="vector_db:qdrant",status="unavailable"} 1');
    expect(text).toContain('rampart_provider_cooldowns_total{team="search",resource="vector_db",provider="pinecone"} 1');
    expect(text).toMatch(/rampart_fallback_steps_total\{team="search",resource="vector_db",strategy="switch_provider",outcome="failed"\} 1/);
    expect(text).toContain('rampart_fallback_exhausted_total{team="search",resource="vector_db"} 1');
    expect(text).toMatch(/rampart_resource_circuitbreaker_state\{team="search",resource="vector_db",provider="pinecone",state="open"\} 1/); // CIRCUIT_BREAK opened it
  });
});
