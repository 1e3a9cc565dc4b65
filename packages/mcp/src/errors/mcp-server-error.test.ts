import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../endpoint/redact.js';
import { classifyMcpFailure } from './classify-mcp-failure.js';
import { McpServerError } from './mcp-server-error.js';

function errno(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyMcpFailure', () => {
  it.each([
    ['connection closed', new McpError(ErrorCode.ConnectionClosed, 'closed'), { kind: 'transient', providerDown: true }, true],
    ['request timeout', new McpError(ErrorCode.RequestTimeout, 'slow'), { kind: 'timeout' }, false],
    ['method not found', new McpError(ErrorCode.MethodNotFound, 'no'), { kind: 'permanent', scope: 'provider' }, false],
    ['invalid params', new McpError(ErrorCode.InvalidParams, 'bad'), { kind: 'permanent', scope: 'request' }, false],
    ['internal error', new McpError(ErrorCode.InternalError, 'oops'), { kind: 'transient' }, false],
    ['http 401', new StreamableHTTPError(401, 'no'), { kind: 'permanent', scope: 'provider' }, true],
    ['http 403', new StreamableHTTPError(403, 'no'), { kind: 'permanent', scope: 'provider' }, true],
    ['http 404 (lost session)', new StreamableHTTPError(404, 'gone'), { kind: 'transient' }, true],
    ['http 429', new StreamableHTTPError(429, 'slow down'), { kind: 'rate_limited' }, false],
    ['http 503', new StreamableHTTPError(503, 'down'), { kind: 'transient' }, true],
    ['http 400', new StreamableHTTPError(400, 'bad'), { kind: 'permanent', scope: 'provider' }, true],
    ['unauthorized', new UnauthorizedError('no'), { kind: 'permanent', scope: 'provider' }, true],
    ['spawn ENOENT', errno('ENOENT'), { kind: 'permanent', scope: 'provider' }, true],
    ['fetch failed', new TypeError('fetch failed', { cause: errno('ECONNREFUSED') }), { kind: 'transient', providerDown: true }, true],
    ['connection reset', new TypeError('fetch failed', { cause: errno('ECONNRESET') }), { kind: 'transient' }, true],
    ['not connected', new Error('Not connected'), { kind: 'transient' }, true],
  ])('%s', (_name, error, classification, broken) => {
    const failure = classifyMcpFailure(error);
    expect(failure.classification).toEqual(classification);
    expect(failure.connectionBroken).toBe(broken);
  });
});

describe('McpServerError', () => {
  const redactor = new Redactor(['tok-secret']);

  it('carries the classification, codes and the SDK error as cause', () => {
    const cause = new StreamableHTTPError(503, 'Service Unavailable');
    const error = new McpServerError(cause, { server: 'supabase/primary', operation: 'tools/call query', redactor });
    expect(RampartError.isInstance(error)).toBe(true);
    expect(error.message).toBe('MCP server supabase/primary: tools/call query failed: Streamable HTTP error: Service Unavailable');
    expect(error.rampartClassification).toEqual({ kind: 'transient' });
    expect(error.httpStatus).toBe(503);
    expect(error.cause).toBe(cause);
  });

  it('redacts secrets from the message and then drops the cause', () => {
    const cause = new Error('request with Bearer tok-secret failed', { cause: new Error('inner tok-secret') });
    const error = new McpServerError(cause, { server: 's', operation: 'ping', redactor, detail: 'stderr: tok-secret' });
    expect(error.message).toBe('MCP server s: ping failed: request with Bearer *** failed: inner *** (stderr: ***)');
    expect(error.cause).toBeUndefined();
  });
});
