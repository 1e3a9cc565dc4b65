import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorClassification } from '@rampart/core';

/** How Rampart's fallback chains treat an error: core's `ErrorClassification`. */
export type McpErrorClassification = ErrorClassification;

/** What a failed MCP request means for the call and for the connection it used. */
export interface McpFailure {
  classification: McpErrorClassification;
  /** The connection is unusable (server gone, session lost, transport error): drop it and reconnect. */
  connectionBroken: boolean;
  /** MCP / JSON-RPC error code, when the failure is one. */
  mcpCode?: number;
  /** HTTP status, when the streamable HTTP transport got an error response. */
  httpStatus?: number;
}

const PROVIDER_DOWN_ERRNO = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
const PROVIDER_PERMANENT_ERRNO = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED']);

function errnoCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function httpFailure(status: number): McpFailure {
  if (status === 401 || status === 403) {
    return { classification: { kind: 'permanent', scope: 'provider' }, connectionBroken: true, httpStatus: status };
  }
  if (status === 408) return { classification: { kind: 'timeout' }, connectionBroken: true, httpStatus: status };
  if (status === 429) return { classification: { kind: 'rate_limited' }, connectionBroken: false, httpStatus: status };
  // 404: the session was lost (the server restarted); 5xx: the server failed. A new connection may work.
  if (status === 404 || status >= 500) {
    return { classification: { kind: 'transient' }, connectionBroken: true, httpStatus: status };
  }
  // other 4xx and -1 (not an MCP endpoint: unexpected content type): this server cannot serve us
  return { classification: { kind: 'permanent', scope: 'provider' }, connectionBroken: true, httpStatus: status };
}

function mcpFailure(code: number): McpFailure {
  switch (code) {
    case ErrorCode.ConnectionClosed:
      // the server process exited or hung up: it is down for now, so a chain switches at once
      return { classification: { kind: 'transient', providerDown: true }, connectionBroken: true, mcpCode: code };
    case ErrorCode.RequestTimeout:
      // the server is slow, not gone: keep the connection (killing a stdio server would abort its other calls)
      return { classification: { kind: 'timeout' }, connectionBroken: false, mcpCode: code };
    case ErrorCode.MethodNotFound:
      // this server lacks the capability; another server may have it
      return { classification: { kind: 'permanent', scope: 'provider' }, connectionBroken: false, mcpCode: code };
    case ErrorCode.InvalidParams:
    case ErrorCode.InvalidRequest:
    case ErrorCode.ParseError:
    case ErrorCode.UrlElicitationRequired:
      return { classification: { kind: 'permanent', scope: 'request' }, connectionBroken: false, mcpCode: code };
    default:
      // InternalError and server-defined codes: the server answered, but failed
      return { classification: { kind: 'transient' }, connectionBroken: false, mcpCode: code };
  }
}

/**
 * Classify a failure of an MCP request or connection attempt made with the SDK client: transport
 * failures (dead process, refused connection, lost session) are transient and break the connection;
 * auth failures and a missing executable are permanent for this server only; invalid params are
 * permanent for the request; a request timeout is a timeout.
 */
export function classifyMcpFailure(error: unknown): McpFailure {
  if (error instanceof McpError) return mcpFailure(error.code);
  if (error instanceof StreamableHTTPError) return httpFailure(error.code ?? -1);
  if (error instanceof UnauthorizedError) return httpFailure(401);
  const code = errnoCode(error);
  if (code !== undefined && PROVIDER_PERMANENT_ERRNO.has(code)) {
    return { classification: { kind: 'permanent', scope: 'provider' }, connectionBroken: true };
  }
  // nothing listens, no route, no such host: the server is down for now (a chain switches at once)
  if (code !== undefined && PROVIDER_DOWN_ERRNO.has(code)) return { classification: { kind: 'transient', providerDown: true }, connectionBroken: true };
  // other fetch failures (ECONNRESET), "Not connected", a stdio pipe error: reconnect and retry
  return { classification: { kind: 'transient' }, connectionBroken: true };
}
