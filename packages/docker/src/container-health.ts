import { ResourceStatus, worstStatus } from '@rampart/core';
import type { ContainerHealthStatus, ContainerInspect, ContainerStatus } from './engine-types.js';

/** When a watched container counts as degraded or critical. */
export interface DockerThresholds {
  /** Restarts since the previous check at which a container is degraded. Default 1. */
  restartsDegraded: number;
  /** Restarts since the previous check at which a container is critical. Default 3. */
  restartsCritical: number;
  /** Failed health probes in a row (`State.Health.FailingStreak`) at which a container Docker still calls healthy is degraded. Default 1. */
  failingStreakDegraded: number;
}

export const DEFAULT_DOCKER_THRESHOLDS: Readonly<DockerThresholds> = Object.freeze({
  restartsDegraded: 1,
  restartsCritical: 3,
  failingStreakDegraded: 1,
});

/** What the monitor reports for one watched container (no environment, no labels: they may hold secrets). */
export interface ContainerReport {
  /** Name without the leading slash, or the reference that was asked for when it does not exist. */
  name: string;
  /** Short (12 hex digits) id; undefined when the container does not exist. */
  id: string | undefined;
  status: ResourceStatus;
  state: ContainerStatus | 'missing';
  health: ContainerHealthStatus;
  failingStreak: number;
  restartCount: number;
  /** Restarts since the previous check (0 on the first check). */
  restartsSinceLastCheck: number;
  oomKilled: boolean;
  exitCode: number | undefined;
  /** Why the status is not healthy, e.g. `["health check unhealthy (3 failures in a row)"]`. */
  reasons: string[];
}

const STATE_STATUS: Readonly<Record<ContainerStatus, ResourceStatus>> = {
  running: ResourceStatus.HEALTHY,
  created: ResourceStatus.DEGRADED,
  paused: ResourceStatus.DEGRADED,
  restarting: ResourceStatus.CRITICAL,
  removing: ResourceStatus.CRITICAL,
  exited: ResourceStatus.CRITICAL,
  dead: ResourceStatus.CRITICAL,
};

/** A watched container that the daemon does not know. */
export function missingContainer(ref: string): ContainerReport {
  return {
    name: ref,
    id: undefined,
    status: ResourceStatus.CRITICAL,
    state: 'missing',
    health: 'none',
    failingStreak: 0,
    restartCount: 0,
    restartsSinceLastCheck: 0,
    oomKilled: false,
    exitCode: undefined,
    reasons: ['no such container'],
  };
}

/**
 * Health of one container from its inspect JSON. `previousRestartCount` is the count seen on the
 * previous check (undefined on the first), so that a rising count warns before the container gives up.
 */
export function evaluateContainer(
  inspect: ContainerInspect,
  previousRestartCount: number | undefined,
  thresholds: DockerThresholds,
): ContainerReport {
  const state = inspect.State;
  const health = state.Health?.Status ?? 'none';
  const failingStreak = state.Health?.FailingStreak ?? 0;
  const restartCount = inspect.RestartCount ?? 0;
  const restartsSinceLastCheck = previousRestartCount === undefined ? 0 : Math.max(0, restartCount - previousRestartCount);
  const statuses: ResourceStatus[] = [];
  const reasons: string[] = [];
  const flag = (status: ResourceStatus, reason: string) => {
    statuses.push(status);
    reasons.push(reason);
  };

  const stateStatus = STATE_STATUS[state.Status] ?? ResourceStatus.CRITICAL;
  if (stateStatus !== ResourceStatus.HEALTHY) {
    const exit = state.Status === 'exited' || state.Status === 'dead' ? ` (exit code ${state.ExitCode})` : '';
    flag(stateStatus, `container is ${state.Status}${exit}`);
  }
  if (health === 'unhealthy') {
    flag(ResourceStatus.CRITICAL, `health check unhealthy (${failingStreak} failures in a row)`);
  } else if (health === 'starting') {
    flag(ResourceStatus.DEGRADED, 'health check still starting');
  } else if (health === 'healthy' && failingStreak >= thresholds.failingStreakDegraded) {
    flag(ResourceStatus.DEGRADED, `health check failing (${failingStreak} failures in a row)`);
  }
  if (restartsSinceLastCheck >= thresholds.restartsCritical) {
    flag(ResourceStatus.CRITICAL, `restarted ${restartsSinceLastCheck} times since the last check`);
  } else if (restartsSinceLastCheck >= thresholds.restartsDegraded) {
    flag(ResourceStatus.DEGRADED, `restarted ${restartsSinceLastCheck} times since the last check`);
  }
  if (state.OOMKilled) flag(ResourceStatus.DEGRADED, 'killed by the kernel for running out of memory (OOMKilled)');

  return {
    name: inspect.Name.replace(/^\//, ''),
    id: inspect.Id.slice(0, 12),
    status: worstStatus(statuses),
    state: state.Status,
    health,
    failingStreak,
    restartCount,
    restartsSinceLastCheck,
    oomKilled: state.OOMKilled,
    exitCode: state.Running ? undefined : state.ExitCode,
    reasons,
  };
}
