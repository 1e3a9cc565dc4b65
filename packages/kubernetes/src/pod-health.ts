import { ResourceStatus, worstStatus } from '@rampart/core';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** When pods count as degraded or critical. */
export interface PodThresholds {
  /** Container restarts of one pod since the previous check at which the pod is degraded. Default 1. */
  restartsDegraded: number;
  /** … at which it is critical. Default 3. */
  restartsCritical: number;
  /** Fewer Ready pods than this makes the whole set critical (no matching pod at all included). Default 1. */
  minReadyPods: number;
}

export const DEFAULT_POD_THRESHOLDS: Readonly<PodThresholds> = Object.freeze({ restartsDegraded: 1, restartsCritical: 3, minReadyPods: 1 });

/** Waiting reasons after which a container will not come up by itself. */
export const CRITICAL_WAITING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** What the monitor reports for one pod. */
export interface PodReport {
  name: string;
  status: ResourceStatus;
  phase: string;
  /** The pod's Ready condition. */
  ready: boolean;
  /** Sum of its containers' restart counts. */
  restarts: number;
  /** Restarts since the previous check (0 on the first check of this pod). */
  restartsSinceLastCheck: number;
  /** A container was (or last was) terminated with reason OOMKilled. */
  oomKilled: boolean;
  /** Waiting reasons of its containers, e.g. `["app: CrashLoopBackOff"]`. */
  waiting: string[];
  /** Why the status is not healthy. */
  reasons: string[];
}

const PHASE_STATUS: Readonly<Record<string, ResourceStatus>> = {
  Running: ResourceStatus.HEALTHY,
  Succeeded: ResourceStatus.HEALTHY,
  Pending: ResourceStatus.DEGRADED,
  Failed: ResourceStatus.CRITICAL,
  Unknown: ResourceStatus.CRITICAL,
};

function containerStatuses(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** Sum of restart counts over every container of the pod (init containers included). */
export function podRestarts(pod: V1Pod): number {
  return containerStatuses(pod).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** Health of one pod. `previousRestarts` is the sum seen on the previous check (undefined on the first). */
export function evaluatePod(pod: V1Pod, previousRestarts: number | undefined, thresholds: PodThresholds): PodReport {
  const phase = pod.status?.phase ?? 'Unknown';
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const restarts = podRestarts(pod);
  const restartsSinceLastCheck = previousRestarts === undefined ? 0 : Math.max(0, restarts - previousRestarts);
  const statuses: ResourceStatus[] = [];
  const reasons: string[] = [];
  const flag = (status: ResourceStatus, reason: string) => {
    statuses.push(status);
    reasons.push(reason);
  };

  const phaseStatus = PHASE_STATUS[phase] ?? ResourceStatus.CRITICAL;
  if (phaseStatus !== ResourceStatus.HEALTHY) {
    flag(phaseStatus, `phase ${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`);
  } else if (phase === 'Running' && !ready) {
    flag(ResourceStatus.DEGRADED, 'not Ready');
  }
  const waiting: string[] = [];
  let oomKilled = false;
  for (const c of containerStatuses(pod)) {
    const reason = c.state?.waiting?.reason;
    if (reason) {
      waiting.push(`${c.name}: ${reason}`);
      if (CRITICAL_WAITING_REASONS.has(reason)) flag(ResourceStatus.CRITICAL, `container ${c.name} is in ${reason}`);
    }
    if (c.state?.terminated?.reason === 'OOMKilled' || c.lastState?.terminated?.reason === 'OOMKilled') oomKilled = true;
  }
  if (oomKilled) flag(ResourceStatus.DEGRADED, 'a container was OOMKilled');
  if (restartsSinceLastCheck >= thresholds.restartsCritical) {
    flag(ResourceStatus.CRITICAL, `restarted ${restartsSinceLastCheck} times since the last check`);
  } else if (restartsSinceLastCheck >= thresholds.restartsDegraded) {
    flag(ResourceStatus.DEGRADED, `restarted ${restartsSinceLastCheck} times since the last check`);
  }
  return {
    name: pod.metadata?.name ?? '(unnamed)',
    status: worstStatus(statuses),
    phase,
    ready,
    restarts,
    restartsSinceLastCheck,
    oomKilled,
    waiting,
    reasons,
  };
}
