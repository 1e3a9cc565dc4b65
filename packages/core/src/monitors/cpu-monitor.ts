import { availableParallelism, loadavg } from 'node:os';
import { systemClock, type Clock } from '../clock/clock.js';
import { fraction, optionsObject, positiveNumber } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import type { MonitorCheckResult, ResourceMonitor, UsageThresholds } from '../resource/monitor.js';
import { ResourceStatus, ResourceType, worstStatus } from '../resource/resource-types.js';
import { readCgroupCpuQuota } from './cgroup-cpu.js';
import { DEFAULT_CGROUP_PATHS, locateCgroup, type CgroupLocation } from './cgroup.js';
import { EventLoopSampler, type EventLoopSample } from './event-loop-sampler.js';
import { monitorName, pathOption, round2 } from './monitor-options.js';
import { redactUrlsInText } from './redact-url.js';
import { resolveUsageThresholds, usageToStatus } from './usage-status.js';
import type { OptionKeys } from '../config/known-keys.js';

/** Event-loop rules of {@link CpuMonitor}. */
export interface EventLoopThresholds {
  /** Degraded when the p99 event-loop delay exceeds this, ms. Default 100. */
  delayDegradedMs?: number;
  /** Critical when the mean event-loop delay exceeds this, ms. Default 1000. */
  delayCriticalMs?: number;
  /** Degraded when event-loop utilisation (0–1) exceeds this. Default 0.9. */
  eluDegraded?: number;
}

/** Every option of {@link EventLoopThresholds}: any other key is a ConfigError. */
const EVENT_LOOP_KEYS: OptionKeys<EventLoopThresholds> = {
  delayDegradedMs: true, delayCriticalMs: true, eluDegraded: true,
};

/** Options of {@link CpuMonitor}. */
export interface CpuMonitorOptions {
  /** Monitor name, reported as `cpu:<name>`. Default `'process'`. */
  name?: string;
  /** Process CPU usage thresholds, in percent of the effective CPUs. Default degraded 80, critical 95. */
  thresholds?: Partial<UsageThresholds>;
  /** Mount point of the cgroup file systems. Default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  /** The process's cgroup membership file. Default `/proc/self/cgroup`. */
  procSelfCgroup?: string;
  eventLoop?: EventLoopThresholds;
  /** Clock measuring the time between checks. Default the system clock. */
  clock?: Clock;
}

/** Every option of {@link CpuMonitorOptions}: any other key is a ConfigError. */
const CPU_MONITOR_KEYS: OptionKeys<CpuMonitorOptions> = {
  name: true, thresholds: true, cgroupRoot: true, procSelfCgroup: true, eventLoop: true, clock: true,
};

/** {@link CpuMonitorOptions} with every default filled in. */
export interface ResolvedCpuMonitorOptions {
  readonly name: string;
  readonly thresholds: Readonly<UsageThresholds>;
  readonly cgroupRoot: string;
  readonly procSelfCgroup: string;
  readonly eventLoop: Readonly<Required<EventLoopThresholds>>;
  readonly clock: Clock;
}

function resolveEventLoop(value: EventLoopThresholds | undefined): Readonly<Required<EventLoopThresholds>> {
  const e = optionsObject('eventLoop', value, EVENT_LOOP_KEYS);
  const eluDegraded = fraction('eventLoop.eluDegraded', e.eluDegraded ?? 0.9);
  if (eluDegraded === 0) throw new ConfigError('eventLoop.eluDegraded', 'must be greater than 0, got 0', 0);
  return Object.freeze({
    delayDegradedMs: positiveNumber('eventLoop.delayDegradedMs', e.delayDegradedMs ?? 100),
    delayCriticalMs: positiveNumber('eventLoop.delayCriticalMs', e.delayCriticalMs ?? 1000),
    eluDegraded,
  });
}

/**
 * CPU of this process: its CPU time between checks (`process.cpuUsage` over the clock's elapsed
 * time) in percent of the effective CPUs (the cgroup quota, v2 `cpu.max` or v1 `cpu.cfs_quota_us`,
 * when tighter than `os.availableParallelism()`), the system load average, and the event loop's delay
 * and utilisation. Status is the worst of the CPU % thresholds and the event-loop rules (degraded
 * when p99 delay > `delayDegradedMs` or utilisation > `eluDegraded`; critical when the mean delay
 * > `delayCriticalMs`). The first check measures from construction; event-loop figures start with
 * the second check. {@link close} disables the event-loop histogram.
 */
export class CpuMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.CPU;
  readonly name: string;
  readonly options: ResolvedCpuMonitorOptions;
  readonly #eventLoop = new EventLoopSampler();
  #location: CgroupLocation | null | undefined; // null = looked, none
  #lastCpu: NodeJS.CpuUsage;
  #lastAt: number;

  constructor(options?: CpuMonitorOptions) {
    const o = optionsObject('options', options, CPU_MONITOR_KEYS);
    this.options = Object.freeze({
      name: monitorName('name', o.name ?? 'process'),
      thresholds: resolveUsageThresholds(o.thresholds, 'thresholds'),
      cgroupRoot: pathOption('cgroupRoot', o.cgroupRoot ?? DEFAULT_CGROUP_PATHS.cgroupRoot),
      procSelfCgroup: pathOption('procSelfCgroup', o.procSelfCgroup ?? DEFAULT_CGROUP_PATHS.procSelfCgroup),
      eventLoop: resolveEventLoop(o.eventLoop),
      clock: o.clock ?? systemClock,
    });
    this.name = this.options.name;
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = this.options.clock.now();
  }

  async check(signal: AbortSignal): Promise<MonitorCheckResult> {
    signal.throwIfAborted();
    const at = this.options.clock.now();
    const cpu = process.cpuUsage();
    const cpuMs = (cpu.user - this.#lastCpu.user + cpu.system - this.#lastCpu.system) / 1000;
    const elapsedMs = at - this.#lastAt;
    this.#lastCpu = cpu;
    this.#lastAt = at;
    const loop = this.#eventLoop.sample();

    const parallelism = availableParallelism();
    const details: Record<string, unknown> = { availableParallelism: parallelism };
    let quota: number | undefined;
    try {
      quota = await this.#readQuota(signal);
    } catch (err) {
      signal.throwIfAborted();
      details.cgroupError = redactUrlsInText(err instanceof Error ? err.message : String(err));
    }
    signal.throwIfAborted();
    const effectiveCpus = Math.min(quota ?? Number.POSITIVE_INFINITY, parallelism);
    if (quota !== undefined) details.cpuQuota = round2(quota);
    details.effectiveCpus = round2(effectiveCpus);

    const [load1, load5, load15] = loadavg();
    Object.assign(details, { loadAverage1m: load1, loadAverage5m: load5, loadAverage15m: load15 });
    if (load1 !== undefined) details.loadPerCpu = round2(load1 / parallelism);
    Object.assign(details, eventLoopDetails(loop));

    const statuses: ResourceStatus[] = [];
    const reasons: string[] = [];
    let usage: number | undefined;
    if (elapsedMs > 0) {
      const percent = (cpuMs / elapsedMs / effectiveCpus) * 100;
      details.processCpuPercent = round2(percent);
      usage = round2(Math.min(100, percent));
      const s = usageToStatus(percent, this.options.thresholds);
      if (s !== ResourceStatus.HEALTHY) reasons.push('cpu');
      statuses.push(s);
    }
    const rules = this.options.eventLoop;
    if (loop.delayMeanMs !== undefined && loop.delayMeanMs > rules.delayCriticalMs) {
      statuses.push(ResourceStatus.CRITICAL);
      reasons.push('event_loop_delay');
    } else if (loop.delayP99Ms !== undefined && loop.delayP99Ms > rules.delayDegradedMs) {
      statuses.push(ResourceStatus.DEGRADED);
      reasons.push('event_loop_delay');
    }
    if (loop.utilization !== undefined && loop.utilization > rules.eluDegraded) {
      statuses.push(ResourceStatus.DEGRADED);
      reasons.push('event_loop_utilization');
    }
    if (reasons.length > 0) details.reasons = reasons;
    return { status: worstStatus(statuses), ...(usage !== undefined && { usage }), details };
  }

  /** Disable the event-loop delay histogram. A later check enables it again. */
  close(): void {
    this.#eventLoop.close();
  }

  async #readQuota(signal: AbortSignal): Promise<number | undefined> {
    if (this.#location === undefined) {
      this.#location = (await locateCgroup('cpu', this.options, signal)) ?? null;
    }
    return this.#location ? readCgroupCpuQuota(this.#location, signal) : undefined;
  }
}

function eventLoopDetails(loop: EventLoopSample): Record<string, number> {
  const d: Record<string, number> = {};
  if (loop.delayP99Ms !== undefined) d.eventLoopDelayP99Ms = loop.delayP99Ms;
  if (loop.delayMeanMs !== undefined) d.eventLoopDelayMeanMs = loop.delayMeanMs;
  if (loop.delayMaxMs !== undefined) d.eventLoopDelayMaxMs = loop.delayMaxMs;
  if (loop.utilization !== undefined) d.eventLoopUtilization = loop.utilization;
  return d;
}
