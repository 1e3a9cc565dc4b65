import { ConfigError } from '@rampart/core';
import { optionsObject, type OptionKeys } from '@rampart/core/internal';
import { Registry } from 'prom-client';

/** Options of {@link instrumentManager} and {@link instrumentCircuitBreakers}. */
export interface MetricsOptions {
  /** The prom-client registry to register on (default: a new one). */
  readonly registry?: Registry;
  /** Prefix of every metric name (default `rampart_`). */
  readonly prefix?: string;
}

export interface ResolvedMetricsOptions {
  readonly registry: Registry;
  readonly prefix: string;
}

/** What an instrumentation gives back: the registry to scrape, and `dispose()` to detach. */
export interface Instrumentation {
  readonly registry: Registry;
  /** Unsubscribe from every event and unregister the metrics this call added (idempotent). */
  dispose(): void;
}

/** Every option of {@link MetricsOptions}: any other key is a ConfigError. */
const METRICS_KEYS: OptionKeys<MetricsOptions> = { registry: true, prefix: true };

const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/;

/** Validate and resolve options into a new frozen object. */
export function resolveMetricsOptions(options: MetricsOptions | undefined, path: string): ResolvedMetricsOptions {
  const o = optionsObject(path, options, METRICS_KEYS);
  if (o.registry !== undefined && !(o.registry instanceof Registry)) {
    throw new ConfigError(`${path}.registry`, 'must be a prom-client Registry', o.registry);
  }
  const prefix = o.prefix ?? 'rampart_';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new ConfigError(`${path}.prefix`, 'must be a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)', prefix);
  }
  return Object.freeze({ registry: o.registry ?? new Registry(), prefix });
}
