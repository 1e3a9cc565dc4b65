import { ConfigError, ResilienceManager, ResourceStatus, ResourceType, systemClock, type MonitorPluginFactory } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createStdioMcpServer, startHttpMcpServer } from '../testing/index.js';
import { createMcpMonitor } from './create-mcp-monitor.js';
import { McpMonitor } from './mcp-monitor.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newManager(): ResilienceManager {
  const manager = new ResilienceManager('mcp-team', {
    checkIntervalMs: 600_000,
    hysteresis: { worsenAfter: 1, recoverAfter: 1 },
    env: { RAMPART_LOG_LEVEL: 'silent' },
  });
  cleanups.push(() => manager.stop());
  return manager;
}

describe('createMcpMonitor (the `mcp` monitor plugin)', () => {
  it('fits core’s MonitorPluginFactory and builds a monitor from one flat options object', () => {
    const factory: MonitorPluginFactory = createMcpMonitor;
    const monitor = factory('supabase', { command: 'node', args: ['s.js'], timeoutMs: 1_234, listTools: true }, {
      team: 't',
      clock: systemClock,
      logger: undefined as never,
    });
    expect(monitor).toBeInstanceOf(McpMonitor);
    expect((monitor as McpMonitor).options).toMatchObject({ name: 'supabase', timeoutMs: 1_234, listTools: true, clock: systemClock });
  });

  it('names the problem: no server, or an unknown option', () => {
    expect(() => createMcpMonitor('supabase', undefined)).toThrow(ConfigError);
    expect(() => createMcpMonitor('supabase', undefined)).toThrow(/needs the server/);
    expect(() => createMcpMonitor('supabase', { url: 'http://127.0.0.1:1/mcp', timeout: 5 })).toThrow('options.timeout: unknown option; did you mean timeoutMs?');
  });
});

describe('manager.registerMcpMonitor', () => {
  it('imports @rampart/mcp, reports mcp_server:<name>, follows the server down and back up, and closes it on stop()', async () => {
    const server = await createStdioMcpServer({ id: 'supabase' });
    cleanups.push(() => server.close());
    const manager = newManager();
    manager.registerMcpMonitor('supabase', { ...server.endpoint, listTools: true, timeoutMs: 5_000 });
    await manager.start();
    await manager.checkNow();

    expect(manager.getMonitorStatus('mcp_server:supabase')).toMatchObject({
      status: ResourceStatus.HEALTHY,
      details: { transport: 'stdio', toolCount: 6, latencyMs: expect.any(Number) },
    });
    const report = await manager.getHealthReport();
    expect(report.resources['mcp_server:supabase']).toMatchObject({ status: ResourceStatus.HEALTHY });

    await server.setDown(true);
    await server.kill();
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:supabase')?.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(manager.getStatus(ResourceType.MCP_SERVER)).toBe(ResourceStatus.UNAVAILABLE);

    await server.setDown(false);
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:supabase')?.status).toBe(ResourceStatus.HEALTHY);
    expect(await server.pids()).toHaveLength(1);

    await manager.stop();
    expect(await server.pids()).toEqual([]);
  });

  it('watches a streamable HTTP server and redacts its token from the health report', async () => {
    const server = await startHttpMcpServer({ id: 'remote', token: 'tok-very-secret' });
    cleanups.push(() => server.close());
    const manager = newManager();
    manager.registerMcpMonitor('remote', { url: server.url, headers: { authorization: 'Bearer tok-very-secret' } });
    manager.registerMcpMonitor('denied', { url: server.url, headers: { authorization: 'Bearer tok-wrong-secret' } });
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:remote')?.status).toBe(ResourceStatus.HEALTHY);
    expect(manager.getMonitorStatus('mcp_server:denied')).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { httpStatus: 401 } });
    const report = JSON.stringify(await manager.getHealthReport());
    expect(report).not.toContain('tok-very-secret');
    expect(report).not.toContain('tok-wrong-secret');
  });

  it('reports a monitor that cannot be created as unavailable, with the reason', async () => {
    const manager = newManager();
    manager.registerMcpMonitor('supabase', { url: 'http://127.0.0.1:1/mcp', pingEvery: 5 });
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:supabase')).toMatchObject({
      status: ResourceStatus.UNAVAILABLE,
      details: { error: expect.stringContaining('pingEvery') },
    });
  });

  it('reports a monitor registered without a server (the seed\'s registerMcpMonitor("supabase")) as pending, with the reason', async () => {
    const manager = newManager();
    manager.registerMcpMonitor('supabase');
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:supabase')).toMatchObject({
      status: ResourceStatus.PENDING,
      details: { reason: expect.stringContaining('needs the server') },
    });
    expect((await manager.getHealthReport()).overall_health).toBe('pending');
  });
});
