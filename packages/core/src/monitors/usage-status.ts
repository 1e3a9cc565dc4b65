import { knownKeys } from '../config/known-keys.js';
import { describeValue } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { DEFAULT_USAGE_THRESHOLDS, type UsageThresholds } from '../resource/monitor.js';
import { ResourceStatus } from '../resource/resource-types.js';

/**
 * Map a usage percentage to a status: `critical` at or above `thresholds.critical`, `degraded` at
 * or above `thresholds.degraded`, else `healthy`. A usage that is not a finite number means there
 * is no reading, and maps to `unavailable`.
 */
export function usageToStatus(
  usage: number,
  thresholds: Readonly<UsageThresholds> = DEFAULT_USAGE_THRESHOLDS,
): ResourceStatus {
  if (!Number.isFinite(usage)) return ResourceStatus.UNAVAILABLE;
  if (usage >= thresholds.critical) return ResourceStatus.CRITICAL;
  if (usage >= thresholds.degraded) return ResourceStatus.DEGRADED;
  return ResourceStatus.HEALTHY;
}

function percent(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(path, `must be a finite number of percent, got ${String(value)}`, value);
  }
  if (value < 0 || value > 100) throw new ConfigError(path, `must be between 0 and 100, got ${value}`, value);
  return value;
}

/**
 * Validate usage thresholds (each in percent, 0–100, `degraded` below `critical`), filling what is
 * missing from {@link DEFAULT_USAGE_THRESHOLDS}. Returns a new frozen object; `path` names the option
 * in errors (`thresholds.degraded: must be below thresholds.critical (95), got 97`).
 */
export function resolveUsageThresholds(
  thresholds: Partial<UsageThresholds> | undefined,
  path = 'thresholds',
): Readonly<UsageThresholds> {
  if (thresholds === undefined) return DEFAULT_USAGE_THRESHOLDS;
  if (typeof thresholds !== 'object' || thresholds === null || Array.isArray(thresholds)) {
    throw new ConfigError(path, `must be an object { degraded, critical }, got ${describeValue(thresholds)}`, thresholds);
  }
  knownKeys(path, thresholds, ['degraded', 'critical']);
  const degraded = percent(`${path}.degraded`, thresholds.degraded ?? DEFAULT_USAGE_THRESHOLDS.degraded);
  const critical = percent(`${path}.critical`, thresholds.critical ?? DEFAULT_USAGE_THRESHOLDS.critical);
  if (degraded >= critical) {
    throw new ConfigError(
      `${path}.degraded`,
      `must be below ${path}.critical (${critical}), got ${degraded}`,
      degraded,
    );
  }
  return Object.freeze({ degraded, critical });
}
