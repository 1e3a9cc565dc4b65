import { describe, expect, it } from 'vitest';
import { connectionsCheckingIntervalMs, createLimitedServer, resolveServerLimits } from './server-limits.js';

describe('resolveServerLimits', () => {
  it('resolves defaults into a new frozen object, leaving the caller’s untouched', () => {
    const options = {};
    const limits = resolveServerLimits('S', options, { maxConnections: 7 });
    expect(limits).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 7, maxHeaderBytes: 16_384 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(options).toEqual({});
  });

  it('defaults maxConnections to 256 when the server names no default of its own', () => {
    expect(resolveServerLimits('S').maxConnections).toBe(256);
  });

  it('defaults requestTimeoutMs to headersTimeoutMs when that is larger than 30 s', () => {
    expect(resolveServerLimits('S', { headersTimeoutMs: 45_000 }, { maxConnections: 1 }).requestTimeoutMs).toBe(45_000);
  });

  it('rejects bad values with a ConfigError naming the path and the value', () => {
    const bad = (options: Record<string, unknown>) => () => resolveServerLimits('S', options, { maxConnections: 1 });
    const error = (path: string, value: unknown) => expect.objectContaining({ name: 'ConfigError', path: `S.${path}`, value });
    expect(bad({ headersTimeoutMs: -1 })).toThrow(error('headersTimeoutMs', -1));
    expect(bad({ requestTimeoutMs: 2 ** 31 })).toThrow(error('requestTimeoutMs', 2 ** 31));
    expect(bad({ headersTimeoutMs: 3_000, requestTimeoutMs: 2_000 })).toThrow(error('headersTimeoutMs', 3_000));
    expect(bad({ keepAliveTimeoutMs: null })).toThrow(error('keepAliveTimeoutMs', null));
    expect(bad({ maxConnections: Infinity })).toThrow(error('maxConnections', Infinity));
    expect(bad({ maxHeaderBytes: '16k' })).toThrow(error('maxHeaderBytes', '16k'));
    expect(() => resolveServerLimits('S', 5 as never)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'S', value: 5 }));
  });
});

describe('createLimitedServer', () => {
  it('applies every limit to the node:http server, checking connections every quarter header timeout (at most 1 s)', () => {
    const limits = resolveServerLimits('S', { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 300, maxHeaderBytes: 4_096 }, { maxConnections: 3 });
    const server = createLimitedServer(limits, () => undefined);
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout, server.maxConnections]).toEqual([200, 400, 300, 3]);
    expect(connectionsCheckingIntervalMs(limits)).toBe(50);
    expect(connectionsCheckingIntervalMs(resolveServerLimits('S', {}, { maxConnections: 1 }))).toBe(1_000);
  });
});
