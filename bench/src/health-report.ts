// getHealthReport() with 1,000 monitors: it is built from the last completed checks, so it must stay
// cheap (well under a millisecond) however many monitors a team has. Measured on the 2-core Node 20
// machine (2026-11): median ≈ 14 µs, p99 ≈ 40 µs per report with 1,000 monitors; the per-monitor
// entries are built once per check, so the cost does not grow with the number of monitors.
// With many named breakers (`@circuitBreaker('x')` in the process), the report's circuits are kept up
// to date from the breakers that changed, so 10,000 cost about what 100 do (it was 40 ms at 10,000).
import { circuitBreakers, ResilienceManager, ResourceStatus, ResourceType, type ResourceMonitor } from '@rampart/core';
import { formatTable } from './harness.js';

const TYPES = [ResourceType.API_QUOTA, ResourceType.DATABASE, ResourceType.MCP_SERVER, ResourceType.NETWORK, ResourceType.DOCKER];
const STATUSES = [ResourceStatus.HEALTHY, ResourceStatus.HEALTHY, ResourceStatus.DEGRADED, ResourceStatus.CRITICAL];

function monitor(i: number): ResourceMonitor {
  const status = STATUSES[i % STATUSES.length]!;
  return {
    name: `m${i}`,
    resourceType: TYPES[i % TYPES.length]!,
    check: async () => ({ status, usage: (i * 7) % 100, details: { remaining: i, limit: 1_000, region: 'eu-west-1' } }),
  };
}

/** Median and p99 time of one getHealthReport() call with `monitors` monitors, in microseconds. */
export async function measureHealthReport(monitors = 1_000, calls = 2_000): Promise<{ medianUs: number; p99Us: number; monitors: number }> {
  const manager = new ResilienceManager('bench-team', { env: { RAMPART_LOG_LEVEL: 'silent' }, checkIntervalMs: 3_600_000 });
  for (let i = 0; i < monitors; i++) manager.registerMonitor(monitor(i));
  await manager.start();
  try {
    for (let i = 0; i < 200; i++) await manager.getHealthReport(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await manager.getHealthReport();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { medianUs: times[Math.floor(calls / 2)]! * 1_000, p99Us: times[Math.floor(calls * 0.99)]! * 1_000, monitors };
  } finally {
    await manager.stop();
  }
}

/**
 * Median and p99 time of one getHealthReport() call with `breakers` named breakers in the process, in
 * microseconds: with no change between reports, and with one call through one of them before each.
 */
export async function measureNamedBreakersReport(
  breakers = 10_000,
  calls = 500,
): Promise<{ breakers: number; idle: { medianUs: number; p99Us: number }; oneCall: { medianUs: number; p99Us: number } }> {
  const prefix = `bench-named-${breakers}-`;
  const named = Array.from({ length: breakers }, (_, i) => circuitBreakers.getOrCreate(`${prefix}${i}`));
  const manager = new ResilienceManager('bench-team', { env: { RAMPART_LOG_LEVEL: 'silent' }, checkIntervalMs: 3_600_000 });
  await manager.start();
  const time = async (before: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < calls + 50; i++) {
      await before(i);
      const t0 = performance.now();
      await manager.getHealthReport();
      if (i >= 50) times.push(performance.now() - t0); // the first 50 are warm-up
    }
    times.sort((a, b) => a - b);
    return { medianUs: times[Math.floor(calls / 2)]! * 1_000, p99Us: times[Math.floor(calls * 0.99)]! * 1_000 };
  };
  try {
    const idle = await time(async () => undefined);
    const oneCall = await time((i) => named[i % breakers]!.execute(async () => i));
    return { breakers, idle, oneCall };
  } finally {
    await manager.stop();
    for (let i = 0; i < breakers; i++) circuitBreakers.delete(`${prefix}${i}`);
  }
}

/** The named-breaker table: report time at 100 and 10,000 named breakers. */
export async function benchNamedBreakersReport(): Promise<string> {
  const rows = [['named breakers', 'unchanged: median µs', 'p99 µs', 'one call between: median µs', 'p99 µs']];
  for (const n of [100, 10_000]) {
    const r = await measureNamedBreakersReport(n);
    rows.push([String(n), r.idle.medianUs.toFixed(1), r.idle.p99Us.toFixed(1), r.oneCall.medianUs.toFixed(1), r.oneCall.p99Us.toFixed(1)]);
  }
  return formatTable(rows);
}

export async function benchHealthReport(): Promise<string> {
  const rows = [['monitors', 'median µs', 'p99 µs']];
  for (const n of [10, 100, 1_000]) {
    const r = await measureHealthReport(n);
    rows.push([String(n), r.medianUs.toFixed(1), r.p99Us.toFixed(1)]);
  }
  return `${formatTable(rows)}\n\nWith named circuit breakers in the process:\n\n${await benchNamedBreakersReport()}`;
}
