import { ConfigError, systemClock, type Clock } from '@rampart/core';
import { DEFAULT_DOCKER_THRESHOLDS, type DockerThresholds } from './container-health.js';
import { knownKeys, nonEmptyString, optionsObject, type OptionKeys, positiveInt, positiveNumber } from '@rampart/core/internal';

export interface DockerMonitorOptions {
  /** Reported as `docker:<name>`. */
  name: string;
  /** The Engine API's unix socket. Default `/var/run/docker.sock`. */
  socketPath?: string;
  /**
   * Names or ids of the containers to watch; a missing one is critical. Default: every container
   * the daemon lists except stopped ones (`exited`, `created`, `dead`), which are only counted.
   */
  containers?: string[];
  /** Deadline of one check (ping, list and inspects together), in ms. Default 5000. */
  timeoutMs?: number;
  /** Default {@link DEFAULT_DOCKER_THRESHOLDS}. */
  thresholds?: Partial<DockerThresholds>;
  /** Time source for the deadline. Default the system clock. */
  clock?: Clock;
}

/** Every option of {@link DockerMonitorOptions}: any other key is a ConfigError. */
const DOCKER_MONITOR_KEYS: OptionKeys<DockerMonitorOptions> = {
  name: true, socketPath: true, containers: true, timeoutMs: true, thresholds: true, clock: true,
};

export interface ResolvedDockerMonitorOptions {
  readonly name: string;
  readonly socketPath: string;
  readonly containers: readonly string[] | undefined;
  readonly timeoutMs: number;
  readonly thresholds: Readonly<DockerThresholds>;
  readonly clock: Clock;
}

/** Validate and resolve into a new frozen object; the caller's object is never written. */
export function resolveDockerMonitorOptions(options: DockerMonitorOptions): ResolvedDockerMonitorOptions {
  const o = optionsObject('DockerMonitor', options, DOCKER_MONITOR_KEYS);
  const name = nonEmptyString('name', o.name);
  const socketPath = o.socketPath === undefined ? '/var/run/docker.sock' : nonEmptyString('socketPath', o.socketPath);
  let containers: readonly string[] | undefined;
  if (o.containers !== undefined) {
    if (!Array.isArray(o.containers)) throw new ConfigError('containers', 'must be an array of container names or ids', o.containers);
    containers = Object.freeze(o.containers.map((c, i) => nonEmptyString(`containers[${i}]`, c).replace(/^\//, '')));
  }
  const timeoutMs = o.timeoutMs === undefined ? 5000 : positiveNumber('timeoutMs', o.timeoutMs);
  const t = optionsObject('thresholds', o.thresholds);
  knownKeys('thresholds', t, Object.keys(DEFAULT_DOCKER_THRESHOLDS));
  const pick = (key: keyof DockerThresholds) =>
    t[key] === undefined ? DEFAULT_DOCKER_THRESHOLDS[key] : positiveInt(`thresholds.${key}`, t[key]);
  const thresholds = Object.freeze({
    restartsDegraded: pick('restartsDegraded'),
    restartsCritical: pick('restartsCritical'),
    failingStreakDegraded: pick('failingStreakDegraded'),
  });
  if (thresholds.restartsCritical < thresholds.restartsDegraded) {
    throw new ConfigError('thresholds.restartsCritical', `must be at least thresholds.restartsDegraded (${thresholds.restartsDegraded})`, thresholds.restartsCritical);
  }
  return Object.freeze({ name, socketPath, containers, timeoutMs, thresholds, clock: o.clock ?? systemClock });
}
