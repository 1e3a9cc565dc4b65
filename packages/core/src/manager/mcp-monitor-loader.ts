import { redactString } from '../health/redact.js';
import type { ResourceMonitor } from '../resource/monitor.js';
import { ResourceType } from '../resource/resource-types.js';
import { getMonitorPlugin, registerMonitorPlugin, type MonitorPluginContext, type MonitorPluginFactory } from './monitor-plugins.js';
import type { PendingRegistrations } from './pending-registrations.js';
import { PendingMonitor, UnavailableMonitor } from './unavailable-monitor.js';

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

/** What {@link startMcpRegistration} works with (parts of the manager). */
export interface McpRegistrationParts {
  readonly context: MonitorPluginContext;
  readonly registrations: PendingRegistrations;
  readonly register: (monitor: ResourceMonitor) => void;
  readonly warn: (message: string, error: unknown) => void;
}

/**
 * `registerMcpMonitor(name, options)`: create the monitor asynchronously and register it, tracked by
 * `registrations` (pending in the health report until its first check; awaited by start/checkNow).
 * A monitor that cannot be created is replaced by an {@link UnavailableMonitor} with the (redacted)
 * reason — or, when it was registered without a target (no options, and the plugin could not
 * resolve one from the name), by a {@link PendingMonitor}: `pending`, with one warning. One whose
 * registration was superseded or unregistered meanwhile is closed, not registered.
 */
export function startMcpRegistration(name: string, options: unknown, parts: McpRegistrationParts): void {
  const { registrations } = parts;
  const key = `${ResourceType.MCP_SERVER}:${name}`;
  const token = registrations.begin(key, parts.context.clock.wallNow(), 'registration pending: creating the MCP monitor');
  const p = createMcpMonitor(name, options, parts.context)
    .then((m) => {
      if (registrations.registered(key, token, 'registered; its first check has not completed yet')) parts.register(m);
      else void Promise.resolve(m.close?.()).catch(() => undefined);
    })
    .catch((err: unknown) => {
      const reason = redactString(String((err as Error)?.message ?? err));
      if (options === undefined) {
        // the seed's registerMcpMonitor('supabase'): nothing to check yet, which is not an outage
        const why = `no server to check: ${reason}`;
        parts.warn(`the MCP monitor "${name}" has no server to check; it stays pending`, err);
        if (registrations.registered(key, token, why)) parts.register(new PendingMonitor(name, ResourceType.MCP_SERVER, why));
        return;
      }
      parts.warn(`could not create the MCP monitor "${name}"`, err);
      if (registrations.registered(key, token, `could not create the monitor: ${reason}`)) {
        parts.register(new UnavailableMonitor(name, ResourceType.MCP_SERVER, reason));
      }
    });
  registrations.track(p);
}
