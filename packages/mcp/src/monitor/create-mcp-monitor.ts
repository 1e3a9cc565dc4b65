import { ConfigError, type Clock } from '@rampart/core';
import { unknownKeyError } from '@rampart/core/internal';
import type { McpServerConfig } from '../endpoint/mcp-server-config.js';
import { McpMonitor } from './mcp-monitor.js';
import type { McpMonitorOptions } from './mcp-monitor-options.js';

/** What `manager.registerMcpMonitor(name, options)` takes: where the server is, plus monitor options, in one object. */
export type McpMonitorPluginOptions = McpServerConfig & McpMonitorOptions;

/** What the manager passes to a monitor plugin (a subset of core's `MonitorPluginContext`). */
export interface McpMonitorPluginContext {
  readonly clock?: Clock;
}

const SERVER_KEYS = new Set(['command', 'args', 'env', 'cwd', 'url', 'headers']);
const MONITOR_KEYS = new Set(['timeoutMs', 'listTools', 'requiredTools', 'thresholds', 'clientInfo', 'clock']);

/**
 * The `mcp` monitor plugin: `manager.registerMcpMonitor('supabase', { command, args })` (or
 * `{ url }`) imports @rampart/mcp and calls this. Options are one flat object: the server
 * (`command`, `args`, `env`, `cwd` or `url`, `headers`) and the {@link McpMonitorOptions}. The
 * manager's clock is used unless `clock` is given. Throws {@link ConfigError} for a bad or
 * missing server (the manager then reports `mcp_server:<name>` unavailable with the reason).
 */
export function createMcpMonitor(name: string, options: unknown, context: McpMonitorPluginContext = {}): McpMonitor {
  if (options === undefined || options === null) {
    throw new ConfigError(
      'options',
      `the MCP monitor "${String(name)}" needs the server: { command, args } (stdio) or { url } (streamable HTTP)`,
      options,
    );
  }
  if (typeof options !== 'object' || Array.isArray(options)) throw new ConfigError('options', 'must be an options object', typeof options);
  const server: Record<string, unknown> = {};
  const monitor: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (SERVER_KEYS.has(key)) server[key] = value;
    else if (MONITOR_KEYS.has(key)) monitor[key] = value;
    else throw unknownKeyError('options', key, [...SERVER_KEYS, ...MONITOR_KEYS]);
  }
  if (monitor.clock === undefined && context.clock !== undefined) monitor.clock = context.clock;
  return new McpMonitor({ ...(server as unknown as McpServerConfig), name }, monitor as McpMonitorOptions);
}
