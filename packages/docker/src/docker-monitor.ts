import { ResourceStatus, ResourceType, worstStatus, type MonitorCheckResult, type ResourceMonitor } from '@rampart/core';
import { evaluateContainer, missingContainer, type ContainerReport } from './container-health.js';
import { DockerEngineClient } from './docker-engine-client.js';
import { resolveDockerMonitorOptions, type DockerMonitorOptions, type ResolvedDockerMonitorOptions } from './docker-monitor-options.js';
import type { ContainerStatus } from './engine-types.js';
import { runWithDeadline } from '@rampart/core';

/** States of containers that were stopped (on purpose or not); only watched by name. */
const STOPPED: ReadonlySet<ContainerStatus> = new Set(['exited', 'created', 'dead']);

/**
 * Watches a Docker daemon over its Engine API: `GET /_ping` for reachability, then the inspect
 * JSON of each watched container (`State.Status`, `State.Health`, `OOMKilled`, `RestartCount`).
 * Reported as `docker:<name>`: unavailable when the daemon does not answer within `timeoutMs`,
 * otherwise the worst of the watched containers.
 */
export class DockerMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.DOCKER;
  readonly name: string;
  readonly options: ResolvedDockerMonitorOptions;
  readonly #client: DockerEngineClient;
  /** Restart counts seen on the previous check, by container id. */
  #restartCounts = new Map<string, number>();

  constructor(options: DockerMonitorOptions) {
    this.options = resolveDockerMonitorOptions(options);
    this.name = this.options.name;
    this.#client = new DockerEngineClient(this.options.socketPath);
  }

  async check(signal?: AbortSignal): Promise<MonitorCheckResult> {
    const { clock, timeoutMs, socketPath } = this.options;
    try {
      return await runWithDeadline(clock, timeoutMs, signal, (s) => this.#checkOnce(s), { background: true });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = (error as { code?: unknown }).code === 'TimeoutError';
      return {
        status: ResourceStatus.UNAVAILABLE,
        details: {
          daemon: timedOut ? 'timeout' : 'unreachable',
          socketPath,
          error: timedOut ? `Docker Engine did not answer within ${timeoutMs} ms` : (error as Error).message,
        },
      };
    }
  }

  /** Drop kept-alive sockets to the daemon. */
  close(): void {
    this.#client.close();
  }

  async #checkOnce(signal: AbortSignal): Promise<MonitorCheckResult> {
    const ping = await this.#client.ping(signal);
    const { reports, stopped } = await this.#inspectWatched(signal);
    const seen = new Map<string, number>();
    for (const r of reports) if (r.id !== undefined) seen.set(r.id, r.restartCount);
    this.#restartCounts = seen;
    const notHealthy = reports.filter((r) => r.status !== ResourceStatus.HEALTHY).map((r) => r.name);
    return {
      status: worstStatus(reports.map((r) => r.status)),
      details: {
        daemon: 'reachable',
        apiVersion: ping.apiVersion,
        socketPath: this.options.socketPath,
        watched: reports.length,
        ...(stopped === undefined ? {} : { stoppedNotWatched: stopped }),
        notHealthy,
        containers: reports,
      },
    };
  }

  async #inspectWatched(signal: AbortSignal): Promise<{ reports: ContainerReport[]; stopped?: number }> {
    const { containers, thresholds } = this.options;
    const inspectOne = async (ref: string) => {
      const inspect = await this.#client.inspectContainer(ref, signal);
      if (inspect === undefined) return missingContainer(ref);
      return evaluateContainer(inspect, this.#restartCounts.get(inspect.Id.slice(0, 12)), thresholds);
    };
    if (containers !== undefined) return { reports: await Promise.all(containers.map(inspectOne)) };
    const listed = await this.#client.listContainers(signal);
    const live = listed.filter((c) => !STOPPED.has(c.State));
    // a container removed between list and inspect is simply gone: not a finding
    const reports = await Promise.all(live.map((c) => inspectOne(c.Id)));
    return { reports: reports.filter((r) => r.state !== 'missing'), stopped: listed.length - live.length };
  }
}
