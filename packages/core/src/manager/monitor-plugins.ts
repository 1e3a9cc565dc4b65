import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { ConfigError } from '../errors/config-error.js';
import type { Disposable } from '../policy/policy.js';
import type { ResourceMonitor } from '../resource/monitor.js';

/** What a monitor plugin gets besides the monitor's name and options. */
export interface MonitorPluginContext {
  readonly team: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Builds a monitor of one kind (e.g. `mcp`): integration packages register one. */
export type MonitorPluginFactory = (
  name: string,
  options: unknown,
  context: MonitorPluginContext,
) => ResourceMonitor | Promise<ResourceMonitor>;

const plugins = new Map<string, MonitorPluginFactory>();

/**
 * Register the factory of a monitor kind, so that core can create such monitors without
 * depending on the package that implements them (`registerMcpMonitor` uses the `mcp` kind).
 * Registering a kind again replaces the factory; disposing the result removes it.
 */
export function registerMonitorPlugin(kind: string, factory: MonitorPluginFactory): Disposable {
  if (typeof kind !== 'string' || kind.length === 0) throw new ConfigError('kind', 'must be a non-empty string', kind);
  if (typeof factory !== 'function') throw new ConfigError('factory', 'must be a function', factory);
  plugins.set(kind, factory);
  return {
    dispose: () => {
      if (plugins.get(kind) === factory) plugins.delete(kind);
    },
  };
}

/** The factory registered for a monitor kind, if any. */
export function getMonitorPlugin(kind: string): MonitorPluginFactory | undefined {
  return plugins.get(kind);
}
