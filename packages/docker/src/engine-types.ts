/**
 * The parts of the Docker Engine API's JSON that Rampart reads (field names as the Engine sends
 * them). See https://docs.docker.com/reference/api/engine/ — `ContainerSummary` is an item of
 * `GET /containers/json`, `ContainerInspect` the body of `GET /containers/{id}/json`.
 */

/** `State.Status` of a container. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** `State.Health.Status`: `none` when the image defines no HEALTHCHECK. */
export type ContainerHealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: ContainerStatus;
  Status: string;
}

export interface ContainerHealth {
  Status: ContainerHealthStatus;
  FailingStreak: number;
  Log?: Array<{ Start: string; End: string; ExitCode: number; Output: string }> | null;
}

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Absent when the container has no health check. */
  Health?: ContainerHealth;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  RestartCount: number;
  State: ContainerState;
  Config?: { Image?: string; [key: string]: unknown };
}

/** Error bodies of the Engine API: `{"message": "No such container: web"}`. */
export interface EngineErrorBody {
  message: string;
}
