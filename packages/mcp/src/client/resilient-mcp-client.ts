import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError, ResourceType, type FallbackAttempt } from '@rampart/core';
import { McpConnection } from '../connection/mcp-connection.js';
import { McpNoTargetError } from '../errors/mcp-no-target-error.js';
import { McpServerError } from '../errors/mcp-server-error.js';
import { toOfflineResult } from './offline-responder.js';
import { qualifiedProviders, rankName, targetOf } from './provider-ranks.js';
import {
  resolveResilientMCPClientOptions,
  type ResilientMCPClientOptions,
  type ResolvedLogicalServer,
  type ResolvedResilientMCPClientOptions,
} from './resilient-mcp-client-options.js';

/** Options of one {@link ResilientMCPClient.callTool}. */
export interface McpCallToolOptions {
  /** Cancels the call, its retries and its fallback waits. */
  signal?: AbortSignal;
  /** Budget of each attempt, in ms. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
  /** The whole call (attempts, switches, waits) settles within this long, ms. Default: the manager's `deadlineMs` (300,000). */
  deadlineMs?: number;
}

/**
 * Calls tools of logical MCP servers under the team's MCP_SERVER fallback chain (seed:
 * "MCP Client Enhancement"; default chain retry with backoff → switch Primary → Secondary → Mock →
 * circuit break). Every call runs through `manager.execute(ResourceType.MCP_SERVER, …, { providers })`
 * with the logical server's own qualified providers — `supabase/primary`, `supabase/secondary`,
 * `supabase/fallback3`… (one per endpoint) and `supabase/mock` (its offline responder, when
 * declared) — so cooldowns, circuit breakers and `mcp_server:<provider>` monitors are kept per
 * logical server. The endpoint is the attempt's `provider` (`execute` hands each invocation its
 * attempt: the primary on the plain call); a bare rank (`secondary`, `mock`) from an outer chain that walks the registered list is
 * understood too. The registered MCP_SERVER list is left alone; the qualified names are declared
 * with `manager.declareProviders` when the manager has it.
 *
 * Connections are made lazily, one per endpoint, and re-made after a server died. A server that
 * cannot be reached is reported with `reportProviderFailure` under its qualified name (it cools
 * down for every caller of that logical server); a success clears the cooldown. Tool errors
 * (`isError: true`) are answers, returned as they are.
 */
export class ResilientMCPClient {
  readonly options: ResolvedResilientMCPClientOptions;
  readonly #connections = new Map<string, McpConnection>();
  #closed = false;

  constructor(options: ResilientMCPClientOptions) {
    this.options = resolveResilientMCPClientOptions(options);
    const { manager, servers } = this.options;
    for (const s of servers.values()) manager.declareProviders?.(ResourceType.MCP_SERVER, s.providers);
    // a @withFallback(MCP_SERVER) method may call this client: its calls then run inside that method's chain
    manager.expectNestedCalls?.(ResourceType.MCP_SERVER);
  }

  /** The logical server names. */
  get servers(): string[] {
    return [...this.options.servers.keys()];
  }

  /**
   * Call `tool` of the logical `server` with `args`, under the MCP_SERVER fallback chain. Resolves
   * with the tool's result (from whichever endpoint answered, or the offline responder, whose
   * results carry `_meta['rampart/offline'] = true`).
   */
  callTool(server: string, tool: string, args: Record<string, unknown> = {}, options: McpCallToolOptions = {}): Promise<CallToolResult> {
    const logical = this.options.servers.get(server);
    if (!logical) {
      return Promise.reject(new ConfigError('server', `unknown MCP server ${JSON.stringify(server)} (known: ${this.servers.join(', ')})`, server));
    }
    if (typeof tool !== 'string' || tool === '') return Promise.reject(new ConfigError('tool', 'must be a non-empty string', tool));
    if (this.#closed) return Promise.reject(new ConfigError('client', 'the ResilientMCPClient is closed'));
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    return this.options.manager.execute(ResourceType.MCP_SERVER, (attempt) => this.#attempt(logical, tool, args, timeoutMs, attempt), {
      key: `mcp:${server}/${tool}`,
      input: [args],
      signal: options.signal,
      deadlineMs: options.deadlineMs,
      providers: logical.providers,
    });
  }

  /** Close every connection (stdio server processes end). Later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const connections = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(connections.map((c) => c.close()));
  }

  /** One invocation by the chain: the target is the attempt's provider. */
  async #attempt(
    logical: ResolvedLogicalServer,
    tool: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    attempt: FallbackAttempt,
  ): Promise<CallToolResult> {
    const chosen = attempt.provider;
    const signal = attempt.signal;
    const target = chosen === undefined ? ({ kind: 'endpoint', index: 0 } as const) : targetOf(logical.name, chosen);
    if (target === undefined) {
      throw new McpNoTargetError(logical.name, String(chosen), `not one of its providers (${logical.providers.join(', ')})`);
    }
    if (target.kind === 'offline') {
      if (!logical.offline) throw new McpNoTargetError(logical.name, String(chosen), 'no offline responder is declared');
      return toOfflineResult(await logical.offline(tool, args));
    }
    // a bare rank beyond this server's endpoints (from a shared outer list) uses its last endpoint
    const index = Math.min(target.index, logical.endpoints.length - 1);
    const provider = `${logical.name}/${rankName(index)}`;
    const connection = this.#connection(logical, index);
    const { manager } = this.options;
    try {
      const { value } = await connection.request(
        `tools/call ${tool}`,
        (client, requestOptions) => client.callTool({ name: tool, arguments: args }, CallToolResultSchema, requestOptions),
        { timeoutMs, signal },
      );
      manager.reportProviderSuccess(ResourceType.MCP_SERVER, provider);
      return value as CallToolResult;
    } catch (error) {
      const scope = error instanceof McpServerError ? error.rampartClassification : undefined;
      if (error instanceof McpServerError && (error.connectionBroken || (scope?.kind === 'permanent' && scope.scope === 'provider'))) {
        manager.reportProviderFailure(ResourceType.MCP_SERVER, provider, { error });
      }
      throw error;
    }
  }

  #connection(logical: ResolvedLogicalServer, index: number): McpConnection {
    const key = `${logical.name}\u0000${index}`;
    let connection = this.#connections.get(key);
    if (!connection) {
      if (this.#closed) throw new ConfigError('client', 'the ResilientMCPClient is closed');
      connection = new McpConnection(logical.endpoints[index]!, {
        label: `${logical.name}/${rankName(index)}`,
        ...(this.options.clientInfo ? { clientInfo: this.options.clientInfo } : {}),
        ...(this.options.clock ? { clock: this.options.clock } : {}),
      });
      this.#connections.set(key, connection);
    }
    return connection;
  }
}
