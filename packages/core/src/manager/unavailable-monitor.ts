import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import { ResourceStatus, type ResourceType } from '../resource/resource-types.js';

/**
 * Stands in for a monitor that could not be created (its plugin failed to load or threw): it
 * reports `unavailable` with the reason, so the problem shows in the health report instead of
 * disappearing.
 */
export class UnavailableMonitor implements ResourceMonitor {
  readonly name: string;
  readonly resourceType: ResourceType;
  readonly #reason: string;

  constructor(name: string, resourceType: ResourceType, reason: string) {
    this.name = name;
    this.resourceType = resourceType;
    this.#reason = reason;
  }

  async check(): Promise<MonitorCheckResult> {
    return { status: ResourceStatus.UNAVAILABLE, details: { error: this.#reason } };
  }
}
