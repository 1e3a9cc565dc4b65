import { circuitBreakers, CircuitState, ConfigError, type CircuitBreakerRegistry } from '@rampart/core';
import { Counter, Gauge } from 'prom-client';
import { resolveMetricsOptions, type Instrumentation, type MetricsOptions } from './metrics-options.js';

const STATES = Object.values(CircuitState);

/**
 * Export the named circuit breakers of `breakers` (default: the process-wide `circuitBreakers`):
 * `rampart_circuitbreaker_state{name,state}` (1 for the current state, 0 for the others),
 * `rampart_circuitbreaker_calls_total{name,kind=successful|failed|rejected}` and
 * `rampart_circuitbreaker_failure_rate{name}` (0–1, over counted calls). Values are read from each
 * breaker's lifetime `stats` at scrape time, so breakers created later are included and nothing
 * is measured between scrapes. `failed` counts counted failures (errors `shouldCount` passed
 * through are left out, as in the failure rate). `dispose()` unregisters the three metrics.
 */
export function instrumentCircuitBreakers(breakers: CircuitBreakerRegistry = circuitBreakers, options?: MetricsOptions): Instrumentation {
  if (breakers === null || typeof breakers !== 'object' || typeof breakers.list !== 'function') {
    throw new ConfigError('instrumentCircuitBreakers.breakers', 'must be a CircuitBreakerRegistry', breakers);
  }
  const { registry, prefix } = resolveMetricsOptions(options, 'instrumentCircuitBreakers.options');
  const names = [`${prefix}circuitbreaker_state`, `${prefix}circuitbreaker_calls_total`, `${prefix}circuitbreaker_failure_rate`] as const;
  for (const name of names) {
    if (registry.getSingleMetric(name)) throw new ConfigError('instrumentCircuitBreakers.options.registry', `already has a metric named ${name}`, name);
  }
  new Gauge({
    name: names[0],
    help: 'State of a circuit breaker: 1 for the current state, 0 for the others.',
    labelNames: ['name', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const b of breakers.list()) {
        const current = b.state;
        for (const state of STATES) this.set({ name: b.name, state }, state === current ? 1 : 0);
      }
    },
  });
  new Counter({
    name: names[1],
    help: 'Calls through a circuit breaker by outcome: successful, failed (counted failures) or rejected (circuit open).',
    labelNames: ['name', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const b of breakers.list()) {
        const s = b.stats;
        this.inc({ name: b.name, kind: 'successful' }, s.successes);
        this.inc({ name: b.name, kind: 'failed' }, s.failures);
        this.inc({ name: b.name, kind: 'rejected' }, s.rejections);
      }
    },
  });
  new Gauge({
    name: names[2],
    help: 'Counted failures over counted calls of a circuit breaker (0-1), over its lifetime.',
    labelNames: ['name'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const b of breakers.list()) this.set({ name: b.name }, b.stats.failureRate);
    },
  });
  let disposed = false;
  return Object.freeze({
    registry,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const name of names) registry.removeSingleMetric(name);
    },
  });
}
