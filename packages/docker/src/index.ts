// Public API of @rampart/docker. Every export is listed here by name.
export { DockerMonitor } from './docker-monitor.js';
export { resolveDockerMonitorOptions, type DockerMonitorOptions, type ResolvedDockerMonitorOptions } from './docker-monitor-options.js';
export { DockerEngineClient, type EnginePing } from './docker-engine-client.js';
export { DockerEngineError } from './docker-engine-error.js';
export {
  DEFAULT_DOCKER_THRESHOLDS,
  evaluateContainer,
  type ContainerReport,
  type DockerThresholds,
} from './container-health.js';
export type {
  ContainerHealth,
  ContainerHealthStatus,
  ContainerInspect,
  ContainerState,
  ContainerStatus,
  ContainerSummary,
} from './engine-types.js';
