import { ConfigError, systemClock, type Clock } from '@rampart/core';
import { knownKeys, nonEmptyString, optionsObject, type OptionKeys, positiveInt, positiveNumber } from '@rampart/core/internal';
import { DEFAULT_POD_THRESHOLDS, type PodThresholds } from './pod-health.js';

export interface KubernetesPodMonitorOptions {
  /** Reported as `k8s_pod:<name>`. */
  name: string;
  /** Namespace of the pods. */
  namespace: string;
  /** Standard label selector (`app=web,tier in (api,worker)`). Default: every pod of the namespace. */
  labelSelector?: string;
  /**
   * Path of a kubeconfig file. Default: in-cluster service-account credentials when
   * `KUBERNETES_SERVICE_HOST` is set, else `$KUBECONFIG` / `~/.kube/config`.
   */
  kubeconfig?: string;
  /** Context of the kubeconfig. Default its `current-context`. */
  context?: string;
  /** Deadline of one check (one list call), in ms. Default 5000. */
  timeoutMs?: number;
  /** Default {@link DEFAULT_POD_THRESHOLDS}. */
  thresholds?: Partial<PodThresholds>;
  /**
   * Prefix of the in-cluster service-account files
   * (`<prefix>/var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}`).
   * Default '' (the real paths); for sidecars that mount them elsewhere, and tests.
   */
  inClusterPathPrefix?: string;
  /** Time source for the deadline. Default the system clock. */
  clock?: Clock;
}

/** Every option of {@link KubernetesPodMonitorOptions}: any other key is a ConfigError. */
const POD_MONITOR_KEYS: OptionKeys<KubernetesPodMonitorOptions> = {
  name: true, namespace: true, labelSelector: true, kubeconfig: true, context: true, timeoutMs: true,
  thresholds: true, inClusterPathPrefix: true, clock: true,
};

export interface ResolvedKubernetesPodMonitorOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labelSelector: string | undefined;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly timeoutMs: number;
  readonly thresholds: Readonly<PodThresholds>;
  readonly inClusterPathPrefix: string | undefined;
  readonly clock: Clock;
}

/** RFC 1123 label: what Kubernetes accepts as a namespace name. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validate and resolve into a new frozen object; the caller's object is never written. */
export function resolvePodMonitorOptions(options: KubernetesPodMonitorOptions): ResolvedKubernetesPodMonitorOptions {
  const o = optionsObject('KubernetesPodMonitor', options, POD_MONITOR_KEYS);
  const name = nonEmptyString('name', o.name);
  const namespace = nonEmptyString('namespace', o.namespace);
  if (!NAMESPACE.test(namespace) || namespace.length > 63) {
    throw new ConfigError('namespace', 'must be a DNS label (lowercase letters, digits and "-", at most 63 characters)', namespace);
  }
  const optionalString = (path: string, value: unknown) => (value === undefined ? undefined : nonEmptyString(path, value));
  const t = optionsObject('thresholds', o.thresholds);
  knownKeys('thresholds', t, Object.keys(DEFAULT_POD_THRESHOLDS));
  const pick = (key: keyof PodThresholds) => (t[key] === undefined ? DEFAULT_POD_THRESHOLDS[key] : positiveInt(`thresholds.${key}`, t[key]));
  const thresholds = Object.freeze({
    restartsDegraded: pick('restartsDegraded'),
    restartsCritical: pick('restartsCritical'),
    minReadyPods: t.minReadyPods === 0 ? 0 : pick('minReadyPods'),
  });
  if (thresholds.restartsCritical < thresholds.restartsDegraded) {
    throw new ConfigError('thresholds.restartsCritical', `must be at least thresholds.restartsDegraded (${thresholds.restartsDegraded})`, thresholds.restartsCritical);
  }
  return Object.freeze({
    name,
    namespace,
    labelSelector: optionalString('labelSelector', o.labelSelector),
    kubeconfig: optionalString('kubeconfig', o.kubeconfig),
    context: optionalString('context', o.context),
    timeoutMs: o.timeoutMs === undefined ? 5000 : positiveNumber('timeoutMs', o.timeoutMs),
    thresholds,
    inClusterPathPrefix: o.inClusterPathPrefix === undefined ? undefined : String(o.inClusterPathPrefix),
    clock: o.clock ?? systemClock,
  });
}
