/** Kinds of resource a team depends on. Values are the lowercase names. */
export enum ResourceType {
  API_QUOTA = 'api_quota',
  MEMORY = 'memory',
  CPU = 'cpu',
  DATABASE = 'database',
  MCP_SERVER = 'mcp_server',
  NETWORK = 'network',
  DOCKER = 'docker',
  K8S_POD = 'k8s_pod',
}

/**
 * Health of a resource, best to worst. `pending`: not known yet, and not a problem in itself (a
 * monitor registered without a target, or one whose first check has not completed); it ranks
 * below `degraded`, so it never drags a team down.
 */
export enum ResourceStatus {
  HEALTHY = 'healthy',
  PENDING = 'pending',
  DEGRADED = 'degraded',
  CRITICAL = 'critical',
  UNAVAILABLE = 'unavailable',
}

/** Severity order used for aggregation: the worst status wins. */
export const STATUS_SEVERITY: Readonly<Record<ResourceStatus, number>> = Object.freeze({
  [ResourceStatus.HEALTHY]: 0,
  [ResourceStatus.PENDING]: 1,
  [ResourceStatus.DEGRADED]: 2,
  [ResourceStatus.CRITICAL]: 3,
  [ResourceStatus.UNAVAILABLE]: 4,
});

export function worstStatus(statuses: Iterable<ResourceStatus>): ResourceStatus {
  let worst = ResourceStatus.HEALTHY;
  for (const s of statuses) if (STATUS_SEVERITY[s] > STATUS_SEVERITY[worst]) worst = s;
  return worst;
}

/** Fallback strategies a chain is made of. Values are the lowercase names. */
export enum FallbackStrategy {
  RETRY = 'retry',
  SWITCH_PROVIDER = 'switch_provider',
  DEGRADE_SERVICE = 'degrade_service',
  QUEUE_REQUEST = 'queue_request',
  USE_CACHE = 'use_cache',
  SCALE_DOWN = 'scale_down',
  CIRCUIT_BREAK = 'circuit_break',
}
