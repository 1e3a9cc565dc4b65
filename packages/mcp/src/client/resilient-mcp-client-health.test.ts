import { ResilienceManager } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createStdioMcpServer, startHttpMcpServer } from '../testing/index.js';
import { ResilientMCPClient } from './resilient-mcp-client.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function servers() {
  const primary = await createStdioMcpServer({ id: 'primary' });
  cleanups.push(() => primary.close());
  const secondary = await startHttpMcpServer({ id: 'secondary' });
  cleanups.push(() => secondary.close());
  return { primary, secondary };
}

function setup(endpoints: Awaited<ReturnType<typeof servers>>) {
  const manager = new ResilienceManager('mcp-health', {
    checkIntervalMs: 600_000,
    hysteresis: { worsenAfter: 1, recoverAfter: 1 },
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    env: { RAMPART_LOG_LEVEL: 'silent' },
  });
  cleanups.push(() => manager.stop());
  const mcp = new ResilientMCPClient({ manager, servers: { supabase: [endpoints.primary.endpoint, endpoints.secondary.endpoint] } });
  cleanups.push(() => mcp.close());
  return { manager, mcp };
}

const who = (r: { structuredContent?: Record<string, unknown> }) => r.structuredContent?.server;

describe('the health report agrees with what MCP calls meet', () => {
  it('primary killed, the secondary answers: degraded, not unavailable, also with a monitor of the primary named after the server', async () => {
    const s = await servers();
    const { manager, mcp } = setup(s);
    manager.registerMcpMonitor('supabase', { ...s.primary.endpoint, timeoutMs: 5_000 }); // the failover example's monitor: it watches the primary
    await manager.start();
    expect(who(await mcp.callTool('supabase', 'echo', { text: 'a' }))).toBe('primary');
    expect((await manager.getHealthReport()).overall_health).toBe('healthy');

    await s.primary.setDown(true);
    await s.primary.kill();
    expect(who(await mcp.callTool('supabase', 'echo', { text: 'b' }))).toBe('secondary');
    await manager.checkNow();
    const report = await manager.getHealthReport();
    expect(report.resources['mcp_server:supabase']?.status).toBe('unavailable'); // what the monitor saw
    expect(report.providers.mcp_server?.['supabase/primary']).toMatchObject({ available: false, state: 'cooling_down' });
    expect(report.providers.mcp_server?.['supabase/secondary']).toMatchObject({ available: true, state: 'available' });
    expect(report.providers.mcp_server?.['supabase/secondary']?.latency_ms).toBeGreaterThan(0);
    expect(report.resource_health.mcp_server).toMatchObject({ status: 'degraded', providers_available: 1, providers_total: 2 });
    expect(report.overall_health).toBe('degraded');
  });

  it('every endpoint down and no monitor registered: unavailable, each endpoint saying why', async () => {
    const s = await servers();
    const { manager, mcp } = setup(s);
    await manager.start();
    await s.primary.setDown(true);
    await s.primary.kill();
    await s.secondary.kill();
    await expect(mcp.callTool('supabase', 'echo', { text: 'anyone?' })).rejects.toThrow();
    const report = await manager.getHealthReport();
    expect(report.resource_health.mcp_server).toMatchObject({ status: 'unavailable', providers_available: 0 });
    expect(report.overall_health).toBe('unavailable');
    for (const p of ['supabase/primary', 'supabase/secondary']) {
      const row = report.providers.mcp_server?.[p];
      expect(row?.why).toEqual(expect.any(String));
      expect(Date.parse(row?.until ?? '')).toBeGreaterThan(Date.now());
    }
  });
});
