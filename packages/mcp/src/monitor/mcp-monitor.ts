import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ResourceStatus, ResourceType, type MonitorCheckResult, type ResourceMonitor } from '@rampart/core';
import { McpConnection } from '../connection/mcp-connection.js';
import { McpServerError } from '../errors/mcp-server-error.js';
import {
  resolveMcpMonitorOptions,
  type McpMonitorOptions,
  type McpMonitorTarget,
  type ResolvedMcpMonitorOptions,
} from './mcp-monitor-options.js';

/** At most this many tool names are reported in details. */
const MAX_REPORTED_TOOLS = 50;

/**
 * Watches one MCP server (stdio or streamable HTTP) with the real SDK client: each check connects
 * when needed, sends `ping` with the check's budget as request timeout and, with `listTools`, lists
 * the tools when the server has the tools capability. Reported as `mcp_server:<name>`:
 * `healthy`, `degraded` / `critical` above the latency thresholds, `critical` when a required tool
 * is missing, `unavailable` when it cannot connect or the ping fails or times out.
 *
 * The connection is kept between checks. When a kept connection turns out broken (the server
 * restarted), the check reconnects once within its budget. `close()` stops the stdio process.
 */
export class McpMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.MCP_SERVER;
  readonly name: string;
  readonly options: ResolvedMcpMonitorOptions;
  readonly #connection: McpConnection;

  constructor(target: McpMonitorTarget, options?: McpMonitorOptions) {
    this.options = resolveMcpMonitorOptions(target, options);
    this.name = this.options.name;
    this.#connection = new McpConnection(this.options.server, {
      label: this.name,
      clientInfo: this.options.clientInfo,
      clock: this.options.clock,
    });
  }

  async check(signal?: AbortSignal): Promise<MonitorCheckResult> {
    const { clock, timeoutMs } = this.options;
    const started = clock.now();
    const base = { transport: this.options.server.transport, target: this.options.server.target };
    const hadConnection = this.#connection.connected;
    try {
      return await this.#probe(timeoutMs, signal, base, false);
    } catch (error) {
      if (signal?.aborted || !(error instanceof McpServerError)) throw error;
      const remainingMs = timeoutMs - (clock.now() - started);
      // a kept connection broke (e.g. the server restarted and lost our session): reconnect once
      if (hadConnection && error.connectionBroken && remainingMs > 0) {
        try {
          return await this.#probe(remainingMs, signal, base, true);
        } catch (retryError) {
          if (signal?.aborted || !(retryError instanceof McpServerError)) throw retryError;
          return unavailable(base, retryError);
        }
      }
      return unavailable(base, error);
    }
  }

  /** Stop the stdio server process / drop the HTTP session. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  async #probe(
    timeoutMs: number,
    signal: AbortSignal | undefined,
    base: Record<string, unknown>,
    reconnected: boolean,
  ): Promise<MonitorCheckResult> {
    const { clock } = this.options;
    const started = clock.now();
    let pingStarted = started;
    const ping = await this.#connection.request(
      'ping',
      (client, requestOptions) => {
        pingStarted = clock.now();
        return client.ping(requestOptions);
      },
      { timeoutMs, signal },
    );
    const latencyMs = round(clock.now() - pingStarted);
    const details: Record<string, unknown> = { ...base, latencyMs };
    if (ping.fresh) details.connectMs = round(pingStarted - started);
    if (reconnected) details.reconnected = true;

    let status = this.#latencyStatus(latencyMs);
    if (this.options.listTools && this.#connection.serverCapabilities?.tools) {
      const tools = await this.#listTools(started + timeoutMs, signal);
      details.toolCount = tools.length;
      details.tools = tools.slice(0, MAX_REPORTED_TOOLS).map((t) => t.name);
      const missing = this.options.requiredTools.filter((name) => !tools.some((t) => t.name === name));
      if (missing.length > 0) {
        details.missingTools = missing;
        status = ResourceStatus.CRITICAL;
      }
    } else if (this.options.requiredTools.length > 0) {
      details.missingTools = [...this.options.requiredTools];
      details.error = 'the server does not announce the tools capability';
      status = ResourceStatus.CRITICAL;
    }
    return { status, details };
  }

  async #listTools(deadline: number, signal: AbortSignal | undefined): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#connection.request(
        'tools/list',
        (client, requestOptions) => client.listTools(cursor === undefined ? undefined : { cursor }, requestOptions),
        { timeoutMs: Math.max(1, deadline - this.options.clock.now()), signal },
      );
      tools.push(...page.value.tools);
      cursor = page.value.nextCursor;
    } while (cursor !== undefined && tools.length < MAX_REPORTED_TOOLS * 20);
    return tools;
  }

  #latencyStatus(latencyMs: number): ResourceStatus {
    if (latencyMs > this.options.criticalLatencyMs) return ResourceStatus.CRITICAL;
    if (latencyMs > this.options.degradedLatencyMs) return ResourceStatus.DEGRADED;
    return ResourceStatus.HEALTHY;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function unavailable(base: Record<string, unknown>, error: McpServerError): MonitorCheckResult {
  const details: Record<string, unknown> = {
    ...base,
    error: error.message,
    errorKind: error.rampartClassification.kind,
  };
  if (error.mcpCode !== undefined) details.mcpCode = error.mcpCode;
  if (error.httpStatus !== undefined) details.httpStatus = error.httpStatus;
  return { status: ResourceStatus.UNAVAILABLE, details };
}
