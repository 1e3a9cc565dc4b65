import { ConfigError, ResourceStatus, ResourceType } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createStdioMcpServer, startHttpMcpServer, type HttpMcpServer, type StdioMcpServer } from '../testing/index.js';
import { McpMonitor } from './mcp-monitor.js';
import type { McpMonitorOptions, McpMonitorTarget } from './mcp-monitor-options.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stdio(id: string): Promise<StdioMcpServer> {
  const server = await createStdioMcpServer({ id });
  cleanups.push(() => server.close());
  return server;
}

async function http(id: string, token?: string): Promise<HttpMcpServer> {
  const server = await startHttpMcpServer(token ? { id, token } : { id });
  cleanups.push(() => server.close());
  return server;
}

function monitor(target: McpMonitorTarget, options?: McpMonitorOptions): McpMonitor {
  const m = new McpMonitor(target, options);
  cleanups.push(() => m.close());
  return m;
}

describe('McpMonitor over stdio', () => {
  it('pings a real server, reports latency, keeps the connection between checks', async () => {
    const server = await stdio('primary');
    const m = monitor({ name: 'supabase', ...server.endpoint }, { timeoutMs: 5_000 });
    expect(m.resourceType).toBe(ResourceType.MCP_SERVER);
    expect(m.name).toBe('supabase');

    const first = await m.check();
    expect(first.status).toBe(ResourceStatus.HEALTHY);
    expect(first.details).toMatchObject({ transport: 'stdio', latencyMs: expect.any(Number), connectMs: expect.any(Number) });
    const second = await m.check();
    expect(second.status).toBe(ResourceStatus.HEALTHY);
    expect(second.details).not.toHaveProperty('connectMs');
    expect(await server.pids()).toHaveLength(1);
  });

  it('lists tools when asked and reports a missing required tool as critical', async () => {
    const server = await stdio('primary');
    const listed = await monitor({ name: 'a', ...server.endpoint }, { listTools: true }).check();
    expect(listed.status).toBe(ResourceStatus.HEALTHY);
    expect(listed.details).toMatchObject({ toolCount: 6, tools: expect.arrayContaining(['echo', 'query']) });

    const missing = await monitor({ name: 'b', ...server.endpoint }, { requiredTools: ['query', 'execute_sql'] }).check();
    expect(missing.status).toBe(ResourceStatus.CRITICAL);
    expect(missing.details).toMatchObject({ missingTools: ['execute_sql'] });
  });

  it('is unavailable while the server is dead and recovers after it restarts', async () => {
    const server = await stdio('primary');
    const m = monitor({ name: 'supabase', ...server.endpoint }, { timeoutMs: 5_000 });
    expect((await m.check()).status).toBe(ResourceStatus.HEALTHY);

    await server.setDown(true);
    await server.kill();
    const down = await m.check();
    expect(down.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(down.details).toMatchObject({ errorKind: 'transient', error: expect.stringContaining('is down') });

    await server.setDown(false);
    const back = await m.check();
    expect(back.status).toBe(ResourceStatus.HEALTHY);
    expect(back.details).toHaveProperty('connectMs');
    expect(await server.pids()).toHaveLength(1);
  });

  it('maps latency to degraded and critical, and a timeout to unavailable', async () => {
    const server = await stdio('slow');
    // thresholds well above a loaded machine's stdio round trip (the whole suite runs on 2 cores)
    const degraded = monitor({ name: 'd', ...server.endpoint }, { thresholds: { degradedLatencyMs: 400 } });
    const critical = monitor({ name: 'c', ...server.endpoint }, { thresholds: { degradedLatencyMs: 400, criticalLatencyMs: 800 } });
    for (const m of [degraded, critical]) expect((await m.check()).status).toBe(ResourceStatus.HEALTHY);

    await server.setLatencyMs(1_000);
    expect((await degraded.check()).status).toBe(ResourceStatus.DEGRADED);
    const crit = await critical.check();
    expect(crit.status).toBe(ResourceStatus.CRITICAL);
    expect(crit.details?.latencyMs).toBeGreaterThanOrEqual(1_000);

    await server.setLatencyMs(3_000);
    const timing = monitor({ name: 't', ...server.endpoint }, { timeoutMs: 500 });
    const timedOut = await timing.check();
    expect(timedOut.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(timedOut.details).toMatchObject({ errorKind: 'timeout' });
  });

  it('rejects with the reason when the manager aborts the check', async () => {
    const server = await stdio('slow');
    await server.setLatencyMs(5_000);
    const m = monitor({ name: 'x', ...server.endpoint }, { timeoutMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('check timed out');
    const pending = m.check(controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('reports a missing executable as unavailable (permanent) and never leaks env or secret args', async () => {
    const server = await stdio('primary');
    const m = monitor({
      name: 'secretive',
      command: server.endpoint.command,
      args: [...server.endpoint.args, '--access-token', 'sbp_supersecret123'],
      env: { SUPABASE_KEY: 'env-secret-456' },
    });
    const ok = await m.check();
    expect(ok.status).toBe(ResourceStatus.HEALTHY);
    expect(ok.details?.target).toContain('--access-token ***');

    const missing = monitor({ name: 'missing', command: '/nonexistent/mcp-server', args: ['--token=abc-secret-789'] });
    const result = await missing.check();
    expect(result.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(result.details).toMatchObject({ errorKind: 'permanent' });
    const text = JSON.stringify([ok, result]);
    for (const secret of ['sbp_supersecret123', 'env-secret-456', 'abc-secret-789']) expect(text).not.toContain(secret);
  });

  it('close() stops the server process', async () => {
    const server = await stdio('primary');
    const m = new McpMonitor({ name: 'x', ...server.endpoint });
    await m.check();
    expect(await server.pids()).toHaveLength(1);
    await m.close();
    expect(await server.pids()).toEqual([]);
  });
});

describe('McpMonitor over streamable HTTP', () => {
  it('is unavailable while the server is killed and healthy again after it restarts', async () => {
    const server = await http('secondary');
    const m = monitor({ name: 'remote', url: server.url }, { timeoutMs: 5_000, listTools: true });
    const ok = await m.check();
    expect(ok).toMatchObject({ status: ResourceStatus.HEALTHY, details: { transport: 'http', target: server.url, toolCount: 6 } });

    await server.kill();
    const down = await m.check();
    expect(down.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(down.details).toMatchObject({ errorKind: 'transient' });

    await server.restart();
    expect((await m.check()).status).toBe(ResourceStatus.HEALTHY);
  });

  it('reconnects within one check when the server restarted between checks (lost session)', async () => {
    const server = await http('secondary');
    const m = monitor({ name: 'remote', url: server.url });
    expect((await m.check()).status).toBe(ResourceStatus.HEALTHY);
    await server.kill();
    await server.restart();
    const result = await m.check();
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(result.details).toHaveProperty('connectMs');
  });

  it('sends the headers, and redacts tokens and URL secrets from reports', async () => {
    const server = await http('secure', 'tok-secret-abc');
    const url = `http://user:pw-secret-1@127.0.0.1:${server.port}/mcp?apiKey=key-secret-2`;
    const good = monitor({ name: 'good', url, headers: { authorization: 'Bearer tok-secret-abc' } });
    const ok = await good.check();
    expect(ok.status).toBe(ResourceStatus.HEALTHY);
    expect(ok.details?.target).toBe(`http://***:***@127.0.0.1:${server.port}/mcp?apiKey=***`);

    const bad = monitor({ name: 'bad', url: server.url, headers: { authorization: 'Bearer wrong-secret-xyz' } });
    const denied = await bad.check();
    expect(denied.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(denied.details).toMatchObject({ httpStatus: 401, errorKind: 'permanent' });
    const text = JSON.stringify([ok, denied]);
    for (const secret of ['tok-secret-abc', 'pw-secret-1', 'key-secret-2', 'wrong-secret-xyz']) expect(text).not.toContain(secret);
  });
});

describe('McpMonitor options', () => {
  const endpoint = { command: 'node', args: ['server.js'] };
  it.each([
    [{ name: '', ...endpoint }, {}, 'server.name'],
    [{ name: 'x' } as McpMonitorTarget, {}, 'server'],
    [{ name: 'x', command: 'node', url: 'http://127.0.0.1/mcp' } as McpMonitorTarget, {}, 'server'],
    [{ name: 'x', url: 'ftp://127.0.0.1/mcp' }, {}, 'server.url'],
    [{ name: 'x', url: 'not a url ?key=secret' }, {}, 'server.url'],
    [{ name: 'x', ...endpoint, env: { A: 1 as unknown as string } }, {}, 'server.env.A'],
    [{ name: 'x', ...endpoint }, { timeoutMs: 0 }, 'options.timeoutMs'],
    [{ name: 'x', ...endpoint }, { thresholds: { degradedLatencyMs: 500, criticalLatencyMs: 100 } }, 'options.thresholds.criticalLatencyMs'],
    [{ name: 'x', ...endpoint }, { listTools: false, requiredTools: ['a'] }, 'options.listTools'],
    [{ name: 'x', ...endpoint }, { intervalMs: 5 }, 'options.intervalMs'],
    [{ name: 'x', ...endpoint }, { thresholds: { degradedMs: 5 } }, 'options.thresholds.degradedMs'],
    [{ name: 'x', ...endpoint, argv: ['--key=secret'] }, {}, 'server.argv'],
  ] as Array<[McpMonitorTarget, McpMonitorOptions, string]>)('rejects a bad config naming %#', (target, options, path) => {
    let error: unknown;
    try {
      new McpMonitor(target, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
    expect(String((error as Error).message)).not.toContain('secret');
  });

  it('resolves defaults into a frozen copy without touching the caller objects', () => {
    const target = { name: 'x', ...endpoint };
    const options: McpMonitorOptions = { thresholds: { degradedLatencyMs: 10 } };
    const m = new McpMonitor(target, options);
    expect(m.options).toMatchObject({ timeoutMs: 5_000, listTools: false, degradedLatencyMs: 10, criticalLatencyMs: Infinity });
    expect(Object.isFrozen(m.options)).toBe(true);
    expect(options).toEqual({ thresholds: { degradedLatencyMs: 10 } });
    expect(target).toEqual({ name: 'x', command: 'node', args: ['server.js'] });
  });
});
