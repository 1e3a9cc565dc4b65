import { getHeapStatistics } from 'node:v8';
import { optionsObject } from '../config/validate.js';
import type { MonitorCheckResult, ResourceMonitor, UsageThresholds } from '../resource/monitor.js';
import { ResourceStatus, ResourceType, worstStatus } from '../resource/resource-types.js';
import { DEFAULT_CGROUP_PATHS, locateCgroup, type CgroupLocation } from './cgroup.js';
import { readCgroupMemory, type CgroupMemory } from './cgroup-memory.js';
import { monitorName, pathOption, round2 } from './monitor-options.js';
import { redactUrlsInText } from './redact-url.js';
import { resolveUsageThresholds, usageToStatus } from './usage-status.js';
import type { OptionKeys } from '../config/known-keys.js';

/** Options of {@link MemoryMonitor}. */
export interface MemoryMonitorOptions {
  /** Monitor name, reported as `memory:<name>`. Default `'process'`. */
  name?: string;
  /** Usage thresholds in percent. Default degraded 80, critical 95. */
  thresholds?: Partial<UsageThresholds>;
  /** Mount point of the cgroup file systems. Default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  /** The process's cgroup membership file. Default `/proc/self/cgroup`. */
  procSelfCgroup?: string;
}

/** Every option of {@link MemoryMonitorOptions}: any other key is a ConfigError. */
const MEMORY_MONITOR_KEYS: OptionKeys<MemoryMonitorOptions> = {
  name: true, thresholds: true, cgroupRoot: true, procSelfCgroup: true,
};

/** {@link MemoryMonitorOptions} with every default filled in. */
export interface ResolvedMemoryMonitorOptions {
  readonly name: string;
  readonly thresholds: Readonly<UsageThresholds>;
  readonly cgroupRoot: string;
  readonly procSelfCgroup: string;
}

/**
 * Memory of this process: the V8 heap (used vs `heap_size_limit`), RSS, and the container limit
 * from cgroup v2 (`memory.max`/`memory.current`, OOM kills from `memory.events`) or v1
 * (`memory.limit_in_bytes`/`memory.usage_in_bytes`) when one is set. Container usage is the working
 * set (usage less inactive file cache), as `docker stats` and the kubelet count it.
 *
 * `usage` is the worse of heap % and container %; an OOM kill in the cgroup since the previous
 * check makes the status at least `degraded`.
 */
export class MemoryMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.MEMORY;
  readonly name: string;
  readonly options: ResolvedMemoryMonitorOptions;
  #location: CgroupLocation | null | undefined; // null = looked, none
  #lastOomKills: number | undefined;

  constructor(options?: MemoryMonitorOptions) {
    const o = optionsObject('options', options, MEMORY_MONITOR_KEYS);
    this.options = Object.freeze({
      name: monitorName('name', o.name ?? 'process'),
      thresholds: resolveUsageThresholds(o.thresholds, 'thresholds'),
      cgroupRoot: pathOption('cgroupRoot', o.cgroupRoot ?? DEFAULT_CGROUP_PATHS.cgroupRoot),
      procSelfCgroup: pathOption('procSelfCgroup', o.procSelfCgroup ?? DEFAULT_CGROUP_PATHS.procSelfCgroup),
    });
    this.name = this.options.name;
  }

  async check(signal: AbortSignal): Promise<MonitorCheckResult> {
    signal.throwIfAborted();
    const heap = getHeapStatistics();
    const heapPercent = (heap.used_heap_size / heap.heap_size_limit) * 100;
    const details: Record<string, unknown> = {
      heapUsedBytes: heap.used_heap_size,
      heapLimitBytes: heap.heap_size_limit,
      heapPercent: round2(heapPercent),
      rssBytes: process.memoryUsage.rss(),
    };

    let container: CgroupMemory | undefined;
    try {
      container = await this.#readContainer(signal);
    } catch (err) {
      signal.throwIfAborted();
      details.cgroupError = redactUrlsInText(err instanceof Error ? err.message : String(err));
    }
    signal.throwIfAborted();

    let usage = heapPercent;
    details.source = 'heap';
    if (container) {
      const { usagePercent } = container;
      details.container = { ...container, ...(usagePercent !== undefined && { usagePercent: round2(usagePercent) }) };
      if (container.usagePercent !== undefined && container.usagePercent > heapPercent) {
        usage = container.usagePercent;
        details.source = 'container';
      }
    }

    const statuses = [usageToStatus(usage, this.options.thresholds)];
    if (container?.oomKills !== undefined) {
      const newKills = this.#lastOomKills === undefined ? 0 : container.oomKills - this.#lastOomKills;
      this.#lastOomKills = container.oomKills;
      if (newKills > 0) {
        details.oomKillsSinceLastCheck = newKills;
        statuses.push(ResourceStatus.DEGRADED);
      }
    }
    return { status: worstStatus(statuses), usage: round2(Math.min(100, usage)), details };
  }

  async #readContainer(signal: AbortSignal): Promise<CgroupMemory | undefined> {
    if (this.#location === undefined) {
      this.#location = (await locateCgroup('memory', this.options, signal)) ?? null;
    }
    return this.#location ? readCgroupMemory(this.#location, signal) : undefined;
  }
}
