import { registerMonitorPlugin, type Disposable } from '@rampart/core';
import { createMcpMonitor } from './create-mcp-monitor.js';

/** The monitor kind `manager.registerMcpMonitor` uses (core's `MCP_MONITOR_KIND`). */
export const MCP_MONITOR_PLUGIN_KIND = 'mcp';

/**
 * Register {@link createMcpMonitor} as core's `mcp` monitor plugin. Optional: the manager imports
 * @rampart/mcp on demand; call this where a dynamic import of the package cannot work (a bundle).
 */
export function registerMcpMonitorPlugin(): Disposable {
  return registerMonitorPlugin(MCP_MONITOR_PLUGIN_KIND, createMcpMonitor);
}
