/** One container of a {@link FakePodSpec}. */
export interface FakePodContainerSpec {
  name: string;
  /** Default `registry.example/app:1.0`. */
  image?: string;
  /** Default: true when the pod is Running and the container is not waiting or terminated. */
  ready?: boolean;
  /** Default 0. */
  restartCount?: number;
  /** `state.waiting.reason` (CrashLoopBackOff, ImagePullBackOff, ContainerCreating…): the container is waiting. */
  waitingReason?: string;
  /** `state.terminated.reason` (Completed, Error, OOMKilled): the container has stopped. */
  terminatedReason?: string;
  /** `lastState.terminated.reason` of the previous run (OOMKilled, Error). */
  lastTerminatedReason?: string;
}

/** How a test describes a pod; {@link makePod} turns it into the API's V1Pod JSON. */
export interface FakePodSpec {
  name: string;
  labels?: Record<string, string>;
  /** Default `Running`. */
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** The pod's Ready condition. Default: Running and every container ready. */
  ready?: boolean;
  /** Default one container named `app`. */
  containers?: FakePodContainerSpec[];
  /** `status.reason` (Evicted, NodeLost…). */
  reason?: string;
  /** Default `node-1`. */
  nodeName?: string;
}

const STARTED = '2026-11-01T08:00:00Z';
let uidSeq = 0;

function uid(): string {
  const n = (++uidSeq).toString(16).padStart(12, '0');
  return `0b6c7a8e-1f2d-4c3b-9a8e-${n}`;
}

/** A V1Pod as the API server sends it (JSON field names, RFC 3339 times). */
export function makePod(namespace: string, spec: FakePodSpec): Record<string, any> {
  const phase = spec.phase ?? 'Running';
  const containers = spec.containers ?? [{ name: 'app' }];
  const statuses = containers.map((c) => {
    const containerReady = c.ready ?? (phase === 'Running' && !c.waitingReason && !c.terminatedReason);
    const state = c.waitingReason
      ? { waiting: { reason: c.waitingReason, message: `${c.waitingReason} for container ${c.name}` } }
      : c.terminatedReason
        ? { terminated: { exitCode: c.terminatedReason === 'Completed' ? 0 : 137, reason: c.terminatedReason, startedAt: STARTED, finishedAt: '2026-11-01T08:05:00Z' } }
        : { running: { startedAt: STARTED } };
    return {
      name: c.name,
      image: c.image ?? 'registry.example/app:1.0',
      imageID: 'registry.example/app@sha256:' + 'a'.repeat(64),
      containerID: 'containerd://' + 'c'.repeat(64),
      ready: containerReady,
      started: !c.waitingReason && !c.terminatedReason,
      restartCount: c.restartCount ?? 0,
      state,
      lastState: c.lastTerminatedReason
        ? { terminated: { exitCode: 137, reason: c.lastTerminatedReason, startedAt: STARTED, finishedAt: '2026-11-01T08:01:00Z' } }
        : {},
    };
  });
  const ready = spec.ready ?? (phase === 'Running' && statuses.every((s) => s.ready));
  const condition = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: STARTED });
  return {
    metadata: {
      name: spec.name,
      namespace,
      uid: uid(),
      resourceVersion: String(1000 + uidSeq),
      creationTimestamp: STARTED,
      labels: { ...spec.labels },
    },
    spec: {
      nodeName: spec.nodeName ?? 'node-1',
      restartPolicy: 'Always',
      containers: containers.map((c) => ({ name: c.name, image: c.image ?? 'registry.example/app:1.0', resources: {} })),
    },
    status: {
      phase,
      ...(spec.reason ? { reason: spec.reason } : {}),
      conditions: [
        condition('PodScheduled', phase !== 'Pending' || statuses.length > 0),
        condition('Initialized', true),
        condition('ContainersReady', statuses.every((s) => s.ready)),
        condition('Ready', ready),
      ],
      hostIP: '10.0.0.11',
      podIP: '10.244.1.17',
      startTime: STARTED,
      containerStatuses: statuses,
      qosClass: 'BestEffort',
    },
  };
}
