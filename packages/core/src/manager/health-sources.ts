import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { circuitBreakers } from '../breaker/circuit-breaker-registry.js';
import type { HealthReport, HealthReportInput } from '../health/health-report.js';
import { ResourceType } from '../resource/resource-types.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ResourceGuards } from './resource-guards.js';

/** The circuits a team's report shows: its resource breakers and the process's named breakers. */
export function circuitRows(guards: ResourceGuards): HealthReportInput['circuits'] {
  const breakers: CircuitBreakerPolicy[] = [...[...guards.breakers()].map(([, b]) => b), ...circuitBreakers.list()];
  return breakers.map((b) => {
    const s = b.stats;
    return { name: b.name, state: s.state, successRate: s.successRate, failureRate: s.failureRate, calls: s.calls, failures: s.failures, rejections: s.rejections, halfOpenAt: b.halfOpenAt };
  });
}

/** Per resource type with providers, each provider's availability and remaining cooldown. */
export function providerRows(providers: ProviderRegistry): HealthReport['providers'] {
  const out: HealthReport['providers'] = {};
  for (const t of Object.values(ResourceType)) {
    const list = providers.get(t);
    if (list.length === 0) continue;
    out[t] = Object.fromEntries(
      list.map((p) => [p, { available: providers.isAvailable(t, p), cooldown_remaining_ms: Math.ceil(providers.cooldownRemainingMs(t, p)) }]),
    );
  }
  return out;
}
