import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import { ResourceStatus, type ResourceType } from '../resource/resource-types.js';

/** A monitor that answers the same reading every time: it stands in for one that cannot check. */
class StandInMonitor implements ResourceMonitor {
  readonly name: string;
  readonly resourceType: ResourceType;
  readonly #result: MonitorCheckResult;

  constructor(name: string, resourceType: ResourceType, result: MonitorCheckResult) {
    this.name = name;
    this.resourceType = resourceType;
    this.#result = result;
  }

  async check(): Promise<MonitorCheckResult> {
    return this.#result;
  }
}

/**
 * Stands in for a monitor that could not be created (its plugin failed to load or threw): it
 * reports `unavailable` with the reason, so the problem shows in the health report instead of
 * disappearing.
 */
export class UnavailableMonitor extends StandInMonitor {
  constructor(name: string, resourceType: ResourceType, reason: string) {
    super(name, resourceType, { status: ResourceStatus.UNAVAILABLE, details: { error: reason } });
  }
}

/**
 * Stands in for a monitor registered without a target to check (the seed's
 * `registerMcpMonitor('supabase')`, with no server configuration): it reports `pending` with the
 * reason, so the report says what is missing without dragging the team down. Registering the
 * name again with a target replaces it.
 */
export class PendingMonitor extends StandInMonitor {
  constructor(name: string, resourceType: ResourceType, reason: string) {
    super(name, resourceType, { status: ResourceStatus.PENDING, details: { reason } });
  }
}
