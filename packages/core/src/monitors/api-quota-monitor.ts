import { functionValue, optionsObject } from '../config/validate.js';
import type { MonitorCheckResult, ResourceMonitor, UsageThresholds } from '../resource/monitor.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { monitorName, round2 } from './monitor-options.js';
import { resolveUsageThresholds, usageToStatus } from './usage-status.js';
import type { OptionKeys } from '../config/known-keys.js';

/** What a quota callback returns: what is left of a limit, or the usage in percent. */
export type ApiQuotaReading = { remaining: number; limit: number } | number;

/** The quota callback. It gets the check's signal: pass it on to any request it makes. */
export type ApiQuotaCheck = (signal: AbortSignal) => ApiQuotaReading | Promise<ApiQuotaReading>;

/** Options of {@link ApiQuotaMonitor}. */
export interface ApiQuotaMonitorOptions {
  /** Usage thresholds in percent. Default degraded 80, critical 95. */
  thresholds?: Partial<UsageThresholds>;
}

/** Every option of {@link ApiQuotaMonitorOptions}: any other key is a ConfigError. */
const API_QUOTA_MONITOR_KEYS: OptionKeys<ApiQuotaMonitorOptions> = { thresholds: true };

/** {@link ApiQuotaMonitorOptions} with every default filled in. */
export interface ResolvedApiQuotaMonitorOptions {
  readonly thresholds: Readonly<UsageThresholds>;
}

type Interpreted = { usage: number; details: Record<string, unknown> } | { error: string };

const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

function interpret(reading: unknown): Interpreted {
  if (typeof reading === 'number') {
    if (!isNumber(reading) || reading < 0) return { error: `usage must be a finite percentage ≥ 0, got ${reading}` };
    // Over 100 % is possible (an overdrawn quota): reported as is, counted as 100.
    return { usage: reading, details: { reportedUsage: reading } };
  }
  if (typeof reading !== 'object' || reading === null) {
    return { error: `expected { remaining, limit } or a usage percentage, got ${reading === null ? 'null' : typeof reading}` };
  }
  const { remaining, limit } = reading as { remaining?: unknown; limit?: unknown };
  if (!isNumber(limit) || limit <= 0) return { error: `limit must be a finite number > 0, got ${String(limit)}` };
  if (!isNumber(remaining) || remaining < 0) return { error: `remaining must be a finite number ≥ 0, got ${String(remaining)}` };
  if (remaining > limit) return { error: `remaining (${remaining}) must not exceed limit (${limit})` };
  return { usage: ((limit - remaining) / limit) * 100, details: { remaining, limit } };
}

/**
 * An API quota (requests or tokens of a provider), read by a user callback, as in
 * `manager.registerApiQuotaMonitor('openai', () => checkOpenaiQuota())`. Reported as
 * `api_quota:<name>`, the name matching the provider it guards. The callback returns
 * `{ remaining, limit }` (usage = (limit − remaining) / limit × 100) or a usage percentage, or a
 * promise of either. An invalid reading (negative, `limit` 0, NaN, remaining above limit) is
 * `unavailable` with `details.error` saying why; so is a callback that throws (only the error's
 * name is reported, as its message may quote a key).
 */
export class ApiQuotaMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.API_QUOTA;
  readonly name: string;
  readonly options: ResolvedApiQuotaMonitorOptions;
  readonly #fn: ApiQuotaCheck;

  constructor(name: string, fn: ApiQuotaCheck, options?: ApiQuotaMonitorOptions) {
    this.name = monitorName('name', name);
    this.#fn = functionValue<ApiQuotaCheck>('fn', fn);
    const o = optionsObject('options', options, API_QUOTA_MONITOR_KEYS);
    this.options = Object.freeze({ thresholds: resolveUsageThresholds(o.thresholds, 'thresholds') });
  }

  async check(signal: AbortSignal): Promise<MonitorCheckResult> {
    signal.throwIfAborted();
    let reading: unknown;
    try {
      reading = await this.#fn(signal);
    } catch (err) {
      signal.throwIfAborted();
      const name = err instanceof Error ? err.name : typeof err;
      return { status: ResourceStatus.UNAVAILABLE, details: { error: `quota callback failed (${name})` } };
    }
    signal.throwIfAborted();
    const result = interpret(reading);
    if ('error' in result) {
      return { status: ResourceStatus.UNAVAILABLE, details: { error: `invalid quota reading: ${result.error}` } };
    }
    return {
      status: usageToStatus(result.usage, this.options.thresholds),
      usage: round2(Math.min(100, result.usage)),
      details: result.details,
    };
  }
}
