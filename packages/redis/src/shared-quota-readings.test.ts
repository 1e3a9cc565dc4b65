import { ResilienceManager } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './__fixtures__/redis-secrets.js';
import { cleanUp, REDIS_URL, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import { SharedQuotaReadings } from './shared-quota-readings.js';

const disposers: Array<() => Promise<unknown>> = [];
const channels: string[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
  await cleanUp(channels.splice(0)); // the `${channel}:state` hashes
});

async function readings(channel: string): Promise<SharedQuotaReadings> {
  const r = new SharedQuotaReadings({ redis: REDIS_URL, channel });
  await r.start();
  disposers.push(() => r.dispose());
  return r;
}

describe('SharedQuotaReadings', () => {
  it('one replica reads the quota; another answers with that reading while it is fresh, without reading', async () => {
    const channel = uniqueNamespace();
    channels.push(channel);
    const a = await readings(channel);
    const b = await readings(channel);
    let readsA = 0;
    let readsB = 0;
    const checkA = a.check('openai', () => (readsA++, { remaining: 100, limit: 1_000 }), { maxAgeMs: 60_000 });
    const checkB = b.check('openai', () => (readsB++, { remaining: 999, limit: 1_000 }), { maxAgeMs: 60_000 });
    const signal = new AbortController().signal;
    expect(await checkA(signal)).toEqual({ remaining: 100, limit: 1_000 });
    await until(() => b.latest('openai') !== undefined);
    expect(await checkB(signal)).toEqual({ remaining: 100, limit: 1_000 }); // A's reading
    expect([readsA, readsB]).toEqual([1, 0]);
    const late = await readings(channel); // a replica starting later loads the stored reading
    expect(late.latest('openai')?.reading).toEqual({ remaining: 100, limit: 1_000 });

    // as a monitor's check: the manager's quota monitor in B reports A's usage (90 %: degraded)
    const manager = new ResilienceManager('writers', { env: { RAMPART_LOG_LEVEL: 'silent' } });
    disposers.push(() => manager.stop());
    const monitor = manager.registerApiQuotaMonitor('openai', checkB);
    const snapshot = await monitor.check(signal);
    expect(snapshot.status).toBe('degraded');
    expect(readsB).toBe(0);
  });

  it('reads itself when the shared reading is older than maxAgeMs', async () => {
    const channel = uniqueNamespace();
    channels.push(channel);
    const a = await readings(channel);
    let reads = 0;
    const check = a.check('anthropic', () => ++reads, { maxAgeMs: 0 });
    const signal = new AbortController().signal;
    await check(signal);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await check(signal);
    expect(reads).toBe(2);
  });
});
