import { CircuitBreakerRegistry, CircuitState } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './__fixtures__/redis-secrets.js';
import { cleanUp, REDIS_URL, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import { shareCircuitBreakers, type RedisBreakerSync } from './redis-breaker-sync.js';

const syncs: RedisBreakerSync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.dispose()));
  await cleanUp([]);
});

describe('probe leases of shared breakers', () => {
  it('once halfOpenAt comes, one process probes; the others wait for its outcome (3 processes, 5 rounds)', async () => {
    const channel = uniqueNamespace();
    const processes = await Promise.all(
      [0, 1, 2].map(async () => {
        const registry = new CircuitBreakerRegistry();
        const breaker = registry.getOrCreate('payments', { failureThreshold: 1, recoveryTimeoutMs: 400 });
        const sync = await shareCircuitBreakers(registry, { redis: REDIS_URL, channel, probeLeaseMs: 5_000, onError: (m, e) => console.error(m, e) });
        syncs.push(sync);
        return breaker;
      }),
    );
    for (let round = 0; round < 5; round++) {
      processes[round % 3]!.trip();
      await until(() => processes.every((b) => b.state === CircuitState.Open));
      const halfOpenAt = processes[0]!.halfOpenAt!;
      // the lease is decided PROBE_LEAD_MS before halfOpenAt (a Redis SET NX): wait for the decision, not
      // only the clock, or a stalled worker would call execute() before the losers had postponed
      await until(() => processes.filter((b) => b.halfOpenAt === halfOpenAt + 5_000).length === 2);
      expect(processes.filter((b) => b.halfOpenAt === halfOpenAt)).toHaveLength(1);
      await until(() => Date.now() > halfOpenAt + 20);
      let probes = 0;
      const outcomes = await Promise.all(processes.map((b) => b.execute(async () => ++probes).then(() => 'probed', (e: Error) => e.name)));
      expect(probes).toBe(1); // one process probed; the others had pushed their half-open time back
      expect(outcomes.filter((o) => o === 'probed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'BrokenCircuitError')).toHaveLength(2);
      await until(() => processes.every((b) => b.state === CircuitState.Closed)); // its success closed them all
    }
  });

  it('probeLeaseMs 0: every process probes on its own', async () => {
    const channel = uniqueNamespace();
    const breakers = await Promise.all(
      [0, 1].map(async () => {
        const registry = new CircuitBreakerRegistry();
        const breaker = registry.getOrCreate('payments', { failureThreshold: 1, recoveryTimeoutMs: 300 });
        syncs.push(await shareCircuitBreakers(registry, { redis: REDIS_URL, channel, probeLeaseMs: 0 }));
        return breaker;
      }),
    );
    breakers[0]!.trip();
    await until(() => breakers[1]!.state === CircuitState.Open);
    const halfOpenAt = breakers[0]!.halfOpenAt!;
    await until(() => Date.now() > halfOpenAt + 20);
    let probes = 0;
    await Promise.all(breakers.map((b) => b.execute(async () => ++probes)));
    expect(probes).toBe(2);
  });
});
