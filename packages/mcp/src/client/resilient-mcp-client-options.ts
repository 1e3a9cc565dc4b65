import { ConfigError, ResourceType, type Clock, type FallbackAttempt } from '@rampart/core';
import { knownKeys, type OptionKeys } from '@rampart/core/internal';
import { resolveMcpServerConfig, type McpServerConfig, type ResolvedMcpServer } from '../endpoint/mcp-server-config.js';
import type { McpOfflineResponder } from './offline-responder.js';
import { qualifiedProviders } from './provider-ranks.js';

/** Options of one guarded call (a subset of `ResilienceManager.execute`'s options). */
export interface McpExecuteOptions {
  key?: string | undefined;
  /** The tool's arguments: the cache key's input with `key` (the function takes the attempt, not them). */
  input?: readonly unknown[] | undefined;
  signal?: AbortSignal | undefined;
  /** The call's overall deadline, ms (the manager's `deadlineMs` when absent). */
  deadlineMs?: number | undefined;
  /** The call's own ordered providers (the logical server's qualified names). */
  providers?: readonly string[] | undefined;
}

/**
 * What {@link ResilientMCPClient} needs of a `ResilienceManager` (from @rampart/core): its
 * `execute` (with per-call `providers`) and its provider bookkeeping.
 */
export interface McpResilienceHost {
  /** Runs `fn` under the MCP_SERVER chain, handing each invocation its attempt (the endpoint to use). */
  execute<T>(resourceType: ResourceType, fn: (attempt: FallbackAttempt) => T | PromiseLike<T>, options?: McpExecuteOptions): Promise<Awaited<T>>;
  setProviders(resourceType: ResourceType, names: string[]): void;
  getProviders(resourceType: ResourceType): readonly string[];
  reportProviderFailure(resourceType: ResourceType, provider: string, options?: { cooldownMs?: number; error?: unknown }): void;
  reportProviderSuccess(resourceType: ResourceType, provider: string): void;
  /** Make provider names known before the first call (health report, monitors); optional. */
  declareProviders?(resourceType: ResourceType, names: readonly string[]): void;
  /** Say that MCP calls may be made from inside the manager's own guarded invocations; optional. */
  expectNestedCalls?(resourceType: ResourceType): void;
}

/** Options of {@link ResilientMCPClient}. */
export interface ResilientMCPClientOptions {
  /** The team's ResilienceManager: calls run under its MCP_SERVER fallback chain. */
  manager: McpResilienceHost;
  /**
   * Logical servers and their endpoints, primary first: `{ supabase: [primary, secondary] }`.
   * Each endpoint is `{ command, args?, env? }` (stdio) or `{ url, headers? }` (streamable HTTP).
   */
  servers: Readonly<Record<string, readonly McpServerConfig[]>>;
  /** Per logical server, the responder that answers when no endpoint can (the chain's last target). */
  offline?: Readonly<Record<string, McpOfflineResponder>>;
  /** Budget of one attempt (connecting when needed plus the call), in ms. Default 30,000. */
  timeoutMs?: number;
  /** Sent to servers in `initialize`. Default `{ name: 'rampart', version: '1.0.0' }`. */
  clientInfo?: { name: string; version: string };
  /** Measures the attempt budget. Default: the system clock. */
  clock?: Clock;
}

/** One logical server, resolved. */
export interface ResolvedLogicalServer {
  readonly name: string;
  readonly endpoints: readonly ResolvedMcpServer[];
  readonly offline: McpOfflineResponder | undefined;
  /** Its qualified MCP_SERVER providers, in order: `${name}/primary`, `${name}/secondary`…, then `${name}/mock` with an offline responder. */
  readonly providers: readonly string[];
}

export interface ResolvedResilientMCPClientOptions {
  readonly manager: McpResilienceHost;
  readonly servers: ReadonlyMap<string, ResolvedLogicalServer>;
  readonly timeoutMs: number;
  readonly clientInfo: Readonly<{ name: string; version: string }> | undefined;
  readonly clock: Clock | undefined;
}

/** Every option of {@link ResilientMCPClientOptions}: any other key is a ConfigError. */
const CLIENT_KEYS: OptionKeys<ResilientMCPClientOptions> = { manager: true, servers: true, offline: true, timeoutMs: true, clientInfo: true, clock: true };

const HOST_METHODS = ['execute', 'setProviders', 'getProviders', 'reportProviderFailure', 'reportProviderSuccess'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validate the client's options into a frozen copy (throws {@link ConfigError} naming the option). */
export function resolveResilientMCPClientOptions(options: ResilientMCPClientOptions): ResolvedResilientMCPClientOptions {
  if (!isRecord(options)) throw new ConfigError('options', 'must be { manager, servers, offline? }', typeof options);
  knownKeys('', options, CLIENT_KEYS);
  const { manager, servers, offline = {}, timeoutMs = 30_000, clientInfo, clock } = options;
  if (!isRecord(manager) || HOST_METHODS.some((m) => typeof (manager as Record<string, unknown>)[m] !== 'function')) {
    throw new ConfigError('manager', 'must be a ResilienceManager (execute, setProviders, reportProviderFailure, …)', typeof manager);
  }
  if (!isRecord(servers) || Object.keys(servers).length === 0) {
    throw new ConfigError('servers', 'must name at least one logical server: { supabase: [primary, secondary] }', typeof servers);
  }
  if (!isRecord(offline)) throw new ConfigError('offline', 'must map server names to responder functions', typeof offline);
  for (const [name, fn] of Object.entries(offline)) {
    if (!(name in servers)) throw new ConfigError(`offline.${name}`, 'names no server of `servers`', name);
    if (typeof fn !== 'function') throw new ConfigError(`offline.${name}`, 'must be a function (tool, args) => result', typeof fn);
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new ConfigError('timeoutMs', `must be a finite number greater than 0, got ${String(timeoutMs)}`, timeoutMs);
  }
  if (clientInfo !== undefined && (typeof clientInfo?.name !== 'string' || typeof clientInfo?.version !== 'string')) {
    throw new ConfigError('clientInfo', 'must be { name: string, version: string }', clientInfo);
  }
  if (clientInfo !== undefined) knownKeys('clientInfo', clientInfo, ['name', 'version']);
  const resolved = new Map<string, ResolvedLogicalServer>();
  for (const [name, list] of Object.entries(servers)) {
    if (name === '') throw new ConfigError('servers', 'server names must not be empty', name);
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError(`servers.${name}`, 'must be a non-empty array of endpoints, primary first', typeof list);
    }
    const endpoints = Object.freeze(list.map((entry, i) => resolveMcpServerConfig(`servers.${name}[${i}]`, entry)));
    resolved.set(name, Object.freeze({ name, endpoints, offline: offline[name], providers: qualifiedProviders(name, endpoints.length, offline[name] !== undefined) }));
  }
  return Object.freeze({
    manager,
    servers: resolved,
    timeoutMs,
    clientInfo: clientInfo && Object.freeze({ name: clientInfo.name, version: clientInfo.version }),
    clock,
  });
}
