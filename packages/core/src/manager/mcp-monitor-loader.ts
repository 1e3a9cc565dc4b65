import type { ResourceMonitor } from '../resource/monitor.js';
import { getMonitorPlugin, registerMonitorPlugin, type MonitorPluginContext, type MonitorPluginFactory } from './monitor-plugins.js';

/** The monitor kind `registerMcpMonitor` uses. */
export const MCP_MONITOR_KIND = 'mcp';

// A variable specifier: core must not depend on @rampart/mcp, at build time or install time.
const MCP_PACKAGE = '@rampart/mcp';

/** The `mcp` factory: registered already, or `createMcpMonitor` from @rampart/mcp, loaded on demand. */
async function mcpFactory(): Promise<MonitorPluginFactory> {
  const registered = getMonitorPlugin(MCP_MONITOR_KIND);
  if (registered) return registered;
  let mod: { createMcpMonitor?: unknown };
  try {
    mod = (await import(MCP_PACKAGE)) as { createMcpMonitor?: unknown };
  } catch (err) {
    throw new Error(`MCP monitors need the @rampart/mcp package (npm install @rampart/mcp): ${(err as Error).message}`, { cause: err });
  }
  const again = getMonitorPlugin(MCP_MONITOR_KIND); // the import may have registered it
  if (again) return again;
  if (typeof mod.createMcpMonitor !== 'function') throw new Error('@rampart/mcp does not export createMcpMonitor');
  const factory = mod.createMcpMonitor as MonitorPluginFactory;
  registerMonitorPlugin(MCP_MONITOR_KIND, factory);
  return factory;
}

/** Create an MCP server monitor through the `mcp` plugin, loading @rampart/mcp if needed. */
export async function createMcpMonitor(name: string, options: unknown, context: MonitorPluginContext): Promise<ResourceMonitor> {
  const factory = await mcpFactory();
  return factory(name, options, context);
}
