// Public API of @rampart/kubernetes. Every export is listed here by name.
export { KubernetesPodMonitor } from './kubernetes-pod-monitor.js';
export {
  resolvePodMonitorOptions,
  type KubernetesPodMonitorOptions,
  type ResolvedKubernetesPodMonitorOptions,
} from './pod-monitor-options.js';
export {
  CRITICAL_WAITING_REASONS,
  DEFAULT_POD_THRESHOLDS,
  evaluatePod,
  podRestarts,
  type PodReport,
  type PodThresholds,
} from './pod-health.js';
export { loadKubeConfig, SERVICE_ACCOUNT_DIR, type KubeConfigSource, type LoadKubeConfigOptions } from './load-kube-config.js';
export { redactCredentials } from './redact-token.js';
