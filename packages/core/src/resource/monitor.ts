import type { ResourceTypeName } from './resource-type-name.js';
import type { ResourceStatus } from './resource-types.js';

/** The result of one check of one resource. */
export interface MonitorCheckResult {
  status: ResourceStatus;
  /** Usage in percent (0–100) where it applies. */
  usage?: number;
  /** Extra facts for the health report. Never put secrets here: the manager redacts, but do not rely on it. */
  details?: Record<string, unknown>;
}

/**
 * Anything that can tell the health of a resource. Reported as `<resourceType>:<name>`
 * (`api_quota:openai`, `database:primary`). The manager runs `check` with its own timeout and
 * aborts `signal` when it gives up; a check that throws or times out reports `unavailable`.
 */
export interface ResourceMonitor {
  readonly name: string;
  /** A built-in ResourceType or a custom type the manager's config declares. */
  readonly resourceType: ResourceTypeName;
  check(signal: AbortSignal): Promise<MonitorCheckResult>;
  /** Release connections, sockets, child processes. Called by the manager's `stop()`. */
  close?(): Promise<void> | void;
}

/** Usage thresholds in percent. Defaults: degraded at 80, critical at 95. */
export interface UsageThresholds {
  degraded: number;
  critical: number;
}

export const DEFAULT_USAGE_THRESHOLDS: Readonly<UsageThresholds> = Object.freeze({ degraded: 80, critical: 95 });
