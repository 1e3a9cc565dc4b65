import { inspect } from 'node:util';
import { ConfigError } from '@rampart/core';
import { knownKeys } from '@rampart/core/internal';
import { headerSecrets, redactArgs, redactUrl, Redactor } from './redact.js';

/** An MCP server started as a child process and spoken to over stdin/stdout. */
export interface McpStdioServerConfig {
  /** The executable (`node`, `npx`, an absolute path). */
  command: string;
  args?: readonly string[];
  /**
   * Extra environment variables, added to the SDK's safe default environment (HOME, PATH, …).
   * Their values are treated as secrets: never reported.
   */
  env?: Readonly<Record<string, string>>;
  /** Working directory of the process. Default: this process's. */
  cwd?: string;
}

/** An MCP server reached over the streamable HTTP transport. */
export interface McpHttpServerConfig {
  /**
   * The MCP endpoint, `http(s)://host[:port]/mcp`. User info is sent as Basic auth (unless an
   * `authorization` header is given); user info and query values are never reported.
   */
  url: string | URL;
  /** Extra request headers (e.g. `authorization`). Their values are treated as secrets. */
  headers?: Readonly<Record<string, string>>;
}

/** Where an MCP server is: `{ command, args, env? }` (stdio) or `{ url, headers? }` (streamable HTTP). */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

/** A validated, frozen server config with its secret-free description. */
export type ResolvedMcpServer = Readonly<
  (
    | { transport: 'stdio'; command: string; args: readonly string[]; env?: Readonly<Record<string, string>>; cwd?: string }
    | { transport: 'http'; url: URL; headers: Readonly<Record<string, string>> }
  ) & {
    /** Secret-free description: the command with secret flag values redacted, or the redacted URL. */
    target: string;
    /** Redacts this server's secrets (env values, header values, URL credentials, secret args). */
    redactor: Redactor;
  }
>;

/**
 * Freeze a resolved server so that `util.inspect()` and `JSON.stringify()` show its transport and
 * secret-free target only, never its headers, environment or arguments.
 */
function shownSafely<T extends { transport: string; target: string }>(server: T): Readonly<T> {
  const shown = () => ({ transport: server.transport, target: server.target });
  Object.defineProperty(server, 'toJSON', { value: shown });
  Object.defineProperty(server, inspect.custom, { value: () => `McpServer(${server.transport} ${server.target})` });
  return Object.freeze(server);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(path: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError(path, 'must be an object of strings', typeof value);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    // the value may be a secret: never put it into the error
    if (typeof v !== 'string') throw new ConfigError(`${path}.${key}`, `must be a string, got ${typeof v}`);
    out[key] = v;
  }
  return out;
}

function resolveStdio(path: string, value: Record<string, unknown>): ResolvedMcpServer {
  knownKeys(path, value, ['command', 'args', 'env', 'cwd']);
  const { command, args = [], env, cwd } = value;
  if (typeof command !== 'string' || command.trim() === '') {
    throw new ConfigError(`${path}.command`, 'must be a non-empty string', typeof command === 'string' ? command : typeof command);
  }
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new ConfigError(`${path}.args`, 'must be an array of strings', Array.isArray(args) ? 'array' : typeof args);
  }
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '')) {
    throw new ConfigError(`${path}.cwd`, 'must be a non-empty string', cwd);
  }
  const envs = stringRecord(`${path}.env`, env);
  const redacted = redactArgs(args as string[]);
  const secrets = [...redacted.secrets, ...Object.values(envs ?? {})];
  return shownSafely({
    transport: 'stdio' as const,
    command,
    args: Object.freeze([...(args as string[])]),
    ...(envs ? { env: Object.freeze(envs) } : {}),
    ...(cwd !== undefined ? { cwd: cwd as string } : {}),
    target: [command, ...redacted.args].join(' '),
    redactor: new Redactor(secrets),
  });
}

function resolveHttp(path: string, value: Record<string, unknown>): ResolvedMcpServer {
  knownKeys(path, value, ['url', 'headers']);
  const { url: rawUrl, headers } = value;
  let parsed: URL;
  try {
    if (typeof rawUrl !== 'string' && !(rawUrl instanceof URL)) throw new TypeError('not a string');
    parsed = new URL(rawUrl.toString());
  } catch {
    // the unparsable string may hold a key: describe it without echoing it
    throw new ConfigError(`${path}.url`, 'must be an absolute http(s) URL', typeof rawUrl);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${path}.url`, `must use http: or https:, got ${parsed.protocol}`, parsed.protocol);
  }
  const hdrs = stringRecord(`${path}.headers`, headers) ?? {};
  const secrets: string[] = [];
  for (const v of parsed.searchParams.values()) secrets.push(v);
  const target = redactUrl(parsed);
  const url = new URL(parsed.href);
  if (url.username || url.password) {
    // fetch refuses URLs with credentials: send them as Basic auth unless a header is given
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    secrets.push(user, password, url.username, url.password);
    const hasAuthorization = Object.keys(hdrs).some((k) => k.toLowerCase() === 'authorization');
    if (!hasAuthorization) hdrs.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  secrets.push(...Object.values(hdrs).flatMap(headerSecrets));
  return shownSafely({
    transport: 'http' as const,
    url,
    headers: Object.freeze(hdrs),
    target,
    redactor: new Redactor(secrets),
  });
}

/**
 * Validate a server config (`{ command, args?, env?, cwd? }` or `{ url, headers? }`) into a frozen copy.
 * Throws {@link ConfigError} naming `path`; secret values never appear in the error.
 */
export function resolveMcpServerConfig(path: string, value: unknown): ResolvedMcpServer {
  if (!isRecord(value)) throw new ConfigError(path, 'must be { command, args? } or { url }', typeof value);
  const hasCommand = value.command !== undefined;
  const hasUrl = value.url !== undefined;
  if (hasCommand === hasUrl) {
    throw new ConfigError(path, hasCommand ? 'give either command or url, not both' : 'needs a command (stdio) or a url (streamable HTTP)');
  }
  return hasCommand ? resolveStdio(path, value) : resolveHttp(path, value);
}
