// Public API of @rampart/mcp. Every export is listed here by name.
export {
  resolveMcpServerConfig,
  type McpServerConfig,
  type McpStdioServerConfig,
  type McpHttpServerConfig,
  type ResolvedMcpServer,
} from './endpoint/mcp-server-config.js';
export { classifyMcpFailure, type McpErrorClassification, type McpFailure } from './errors/classify-mcp-failure.js';
export { McpServerError, type McpServerErrorInit } from './errors/mcp-server-error.js';
export { McpNoTargetError } from './errors/mcp-no-target-error.js';
export {
  McpConnection,
  type McpConnectionOptions,
  type McpRequestOptions,
  type McpRequestResult,
} from './connection/mcp-connection.js';
export { McpMonitor } from './monitor/mcp-monitor.js';
export {
  resolveMcpMonitorOptions,
  type McpMonitorTarget,
  type McpMonitorOptions,
  type McpLatencyThresholds,
  type ResolvedMcpMonitorOptions,
} from './monitor/mcp-monitor-options.js';
export { createMcpMonitor, type McpMonitorPluginOptions, type McpMonitorPluginContext } from './monitor/create-mcp-monitor.js';
export { registerMcpMonitorPlugin, MCP_MONITOR_PLUGIN_KIND } from './monitor/register-mcp-plugin.js';
export { ResilientMCPClient, type McpCallToolOptions } from './client/resilient-mcp-client.js';
export {
  resolveResilientMCPClientOptions,
  type ResilientMCPClientOptions,
  type ResolvedResilientMCPClientOptions,
  type ResolvedLogicalServer,
  type McpResilienceHost,
  type McpExecuteOptions,
} from './client/resilient-mcp-client-options.js';
export { toOfflineResult, OFFLINE_META_KEY, type McpOfflineResponder } from './client/offline-responder.js';
export { MCP_OFFLINE_PROVIDER, rankName, rankIndex, mergeProviders, qualifiedProviders, targetOf, type McpTarget } from './client/provider-ranks.js';
