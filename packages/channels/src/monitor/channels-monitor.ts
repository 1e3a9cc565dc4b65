import {
  ConfigError,
  ResourceStatus,
  ResourceType,
  type MonitorCheckResult,
  type ResourceMonitor,
} from '@rampart/core';
import {
  nonEmptyString,
  optionsObject,
  positiveInt,
  type OptionKeys,
} from '@rampart/core/internal';
import type { TeamChannels } from '../manager/team-channels.js';

/** Options of {@link ChannelsMonitor}. */
export interface ChannelsMonitorOptions {
  /** Reported as `network:<name>`. Default `'channels'`. */
  name?: string;
  /** Outbox depth at which the channels are critical (messages pile up faster than they leave). Default 100. */
  outboxCriticalDepth?: number;
}

/** Every option of {@link ChannelsMonitorOptions}: any other key is a ConfigError. */
const CHANNELS_MONITOR_KEYS: OptionKeys<ChannelsMonitorOptions> = { name: true, outboxCriticalDepth: true };

/**
 * A team's channels as a resource of its `ResilienceManager` (`manager.registerMonitor(new
 * ChannelsMonitor(channels))`), so `getHealthReport()`, the health endpoint and the Prometheus
 * metrics show them as `network:channels`. Reads `TeamChannels.getHealth()` (the channels' own
 * health checks keep it current); it never starts, stops or owns the channels.
 *
 * - healthy: the preferred (first) channel is usable, every channel is healthy with its circuit
 *   closed, and the outbox is empty;
 * - degraded: a failover is in effect, or some channel is unhealthy or its circuit is not closed,
 *   or messages wait in the outbox;
 * - critical: at least `outboxCriticalDepth` messages wait;
 * - unavailable: no channel is usable (every send waits in the outbox), or the channels are stopped.
 */
export class ChannelsMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.NETWORK;
  readonly name: string;
  readonly outboxCriticalDepth: number;
  readonly #channels: Pick<TeamChannels, 'getHealth'>;

  constructor(channels: Pick<TeamChannels, 'getHealth'>, options: ChannelsMonitorOptions = {}) {
    if (typeof (channels as { getHealth?: unknown } | null)?.getHealth !== 'function') {
      throw new ConfigError('ChannelsMonitor.channels', 'must be a TeamChannels', typeof channels);
    }
    const o = optionsObject('ChannelsMonitor.options', options, CHANNELS_MONITOR_KEYS);
    this.name = nonEmptyString('ChannelsMonitor.options.name', o.name ?? 'channels');
    this.outboxCriticalDepth = positiveInt('ChannelsMonitor.options.outboxCriticalDepth', o.outboxCriticalDepth ?? 100);
    this.#channels = channels;
  }

  check(): Promise<MonitorCheckResult> {
    const h = this.#channels.getHealth();
    const channels = h.channels.map((c) => ({ kind: c.kind, healthy: c.healthy, circuit: c.circuit, ...(c.lastError === undefined ? {} : { lastError: c.lastError }) }));
    const details = { team: h.team, activeChannel: h.activeChannel ?? null, outboxDepth: h.outboxDepth, pendingRequests: h.pendingRequests, channels };
    const reasons: string[] = [];
    let status: ResourceStatus;
    if (!h.running) {
      status = ResourceStatus.UNAVAILABLE;
      reasons.push('channels are stopped');
    } else if (h.activeChannel === undefined) {
      status = ResourceStatus.UNAVAILABLE;
      reasons.push('no channel is usable: sends wait in the outbox');
    } else if (h.outboxDepth >= this.outboxCriticalDepth) {
      status = ResourceStatus.CRITICAL;
      reasons.push(`${h.outboxDepth} messages wait in the outbox`);
    } else {
      if (h.activeChannel !== h.channels[0]?.kind) reasons.push(`failed over from ${h.channels[0]?.kind} to ${h.activeChannel}`);
      for (const c of h.channels) {
        if (!c.healthy) reasons.push(`${c.kind} is unhealthy`);
        else if (c.circuit !== 'closed') reasons.push(`${c.kind} circuit is ${c.circuit}`);
      }
      if (h.outboxDepth > 0) reasons.push(`${h.outboxDepth} messages wait in the outbox`);
      status = reasons.length === 0 ? ResourceStatus.HEALTHY : ResourceStatus.DEGRADED;
    }
    return Promise.resolve({ status, details: reasons.length === 0 ? details : { ...details, reasons } });
  }
}
