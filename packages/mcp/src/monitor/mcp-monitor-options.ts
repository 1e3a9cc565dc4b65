import { ConfigError, systemClock, type Clock } from '@rampart/core';
import { knownKeys, type OptionKeys } from '@rampart/core/internal';
import { resolveMcpServerConfig, type McpServerConfig, type ResolvedMcpServer } from '../endpoint/mcp-server-config.js';

/** The server a {@link McpMonitor} watches: a name plus `{ command, args?, env? }` or `{ url, headers? }`. */
export type McpMonitorTarget = McpServerConfig & {
  /** Reported as `mcp_server:<name>`. */
  name: string;
};

/** Ping round-trip thresholds, in ms. */
export interface McpLatencyThresholds {
  /** Slower pings make the server `degraded`. Default 1000. */
  degradedLatencyMs?: number;
  /** Slower pings make the server `critical`. Default: none (Infinity). */
  criticalLatencyMs?: number;
}

/** Options of {@link McpMonitor}. */
export interface McpMonitorOptions {
  /** Budget of one check (connecting when needed, ping, tools/list), in ms. Default 5000. */
  timeoutMs?: number;
  /** Also call `tools/list` when the server announces the tools capability. Default false. */
  listTools?: boolean;
  /** Tools the server must list (implies `listTools`); a missing one makes it `critical`. */
  requiredTools?: readonly string[];
  thresholds?: McpLatencyThresholds;
  /** Sent to the server in `initialize`. Default `{ name: 'rampart-monitor', version: '1.0.0' }`. */
  clientInfo?: { name: string; version: string };
  /** Measures latency and the check budget. Default: the system clock. */
  clock?: Clock;
}

/** Every option of {@link McpMonitorOptions}: any other key is a ConfigError. */
const MONITOR_KEYS: OptionKeys<McpMonitorOptions> = { timeoutMs: true, listTools: true, requiredTools: true, thresholds: true, clientInfo: true, clock: true };
const THRESHOLD_KEYS: OptionKeys<McpLatencyThresholds> = { degradedLatencyMs: true, criticalLatencyMs: true };

/** Options resolved with their defaults; frozen. */
export interface ResolvedMcpMonitorOptions {
  readonly name: string;
  readonly server: ResolvedMcpServer;
  readonly timeoutMs: number;
  readonly listTools: boolean;
  readonly requiredTools: readonly string[];
  readonly degradedLatencyMs: number;
  readonly criticalLatencyMs: number;
  readonly clientInfo: Readonly<{ name: string; version: string }>;
  readonly clock: Clock;
}

function positive(path: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && value > 0 && (Number.isFinite(value) || (allowInfinity && value === Infinity));
  if (!ok) throw new ConfigError(path, `must be a number greater than 0, got ${String(value)}`, value);
  return value;
}

/** Validate the monitor's target and options (throws {@link ConfigError} naming the option). */
export function resolveMcpMonitorOptions(target: McpMonitorTarget, options: McpMonitorOptions = {}): ResolvedMcpMonitorOptions {
  if (typeof target !== 'object' || target === null) throw new ConfigError('server', 'must be { name, command } or { name, url }', target);
  if (typeof target.name !== 'string' || target.name.trim() === '') {
    throw new ConfigError('server.name', 'must be a non-empty string', target.name);
  }
  const { name, ...config } = target;
  const server = resolveMcpServerConfig('server', config);
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an options object', options);
  knownKeys('options', options, MONITOR_KEYS);
  if (typeof options.thresholds === 'object' && options.thresholds !== null) knownKeys('options.thresholds', options.thresholds, THRESHOLD_KEYS);
  const requiredTools = options.requiredTools ?? [];
  if (!Array.isArray(requiredTools) || requiredTools.some((t) => typeof t !== 'string' || t === '')) {
    throw new ConfigError('options.requiredTools', 'must be an array of tool names', requiredTools);
  }
  if (options.listTools !== undefined && typeof options.listTools !== 'boolean') {
    throw new ConfigError('options.listTools', 'must be a boolean', options.listTools);
  }
  if (options.listTools === false && requiredTools.length > 0) {
    throw new ConfigError('options.listTools', 'cannot be false when requiredTools are given', false);
  }
  const degradedLatencyMs = positive('options.thresholds.degradedLatencyMs', options.thresholds?.degradedLatencyMs, 1_000, true);
  const criticalLatencyMs = positive('options.thresholds.criticalLatencyMs', options.thresholds?.criticalLatencyMs, Infinity, true);
  if (criticalLatencyMs < degradedLatencyMs) {
    throw new ConfigError('options.thresholds.criticalLatencyMs', `must not be below degradedLatencyMs (${degradedLatencyMs})`, criticalLatencyMs);
  }
  const clientInfo = options.clientInfo ?? { name: 'rampart-monitor', version: '1.0.0' };
  if (typeof clientInfo.name !== 'string' || typeof clientInfo.version !== 'string') {
    throw new ConfigError('options.clientInfo', 'must be { name: string, version: string }', clientInfo);
  }
  return Object.freeze({
    name,
    server,
    timeoutMs: positive('options.timeoutMs', options.timeoutMs, 5_000),
    listTools: options.listTools ?? requiredTools.length > 0,
    requiredTools: Object.freeze([...requiredTools]),
    degradedLatencyMs,
    criticalLatencyMs,
    clientInfo: Object.freeze({ name: clientInfo.name, version: clientInfo.version }),
    clock: options.clock ?? systemClock,
  });
}
