import { ResilienceManager, ResourceType, type HealthReport } from '@rampart/core';
import { ResilientMCPClient, OFFLINE_META_KEY } from '@rampart/mcp';
import { createStdioMcpServer, startHttpMcpServer } from '@rampart/mcp/testing';

/** One line of the demo's story: what happened, and which server answered the query. */
export interface DemoStep {
  readonly event: string;
  readonly answeredBy: string;
}

/** Options of {@link runFailoverDemo}. */
export interface FailoverDemoOptions {
  /** How long a failed server is skipped, ms. Default 1,000 (short, for the demo). */
  providerCooldownMs?: number;
  /** Called with each step as it happens. */
  onStep?: (step: DemoStep) => void;
}

/** What the demo ends with. */
export interface FailoverDemoResult {
  readonly steps: readonly DemoStep[];
  readonly health: HealthReport;
}

type ToolResult = Awaited<ReturnType<ResilientMCPClient['callTool']>>;

function whoAnswered(result: ToolResult): string {
  if (result._meta?.[OFFLINE_META_KEY]) return 'offline responder';
  return String((result.structuredContent as { server?: unknown } | undefined)?.server);
}

/**
 * The seed's "MCP Server Unavailable" protocol, end to end, against real MCP servers: a primary
 * (stdio, a child process) and a secondary (streamable HTTP on 127.0.0.1), both built with the MCP
 * SDK. The primary is killed, then the secondary; queries move Primary → Secondary → Mock (the
 * offline responder) and return to the primary once it is back and its cooldown has passed.
 */
export async function runFailoverDemo(options: FailoverDemoOptions = {}): Promise<FailoverDemoResult> {
  const cooldownMs = options.providerCooldownMs ?? 1_000;
  const steps: DemoStep[] = [];
  const primary = await createStdioMcpServer({ id: 'primary' });
  const secondary = await startHttpMcpServer({ id: 'secondary' });
  const manager = new ResilienceManager('marketing-team', {
    checkIntervalMs: 60_000,
    hysteresis: { recoverAfter: 1 }, // one healthy check is enough to report a server back (default 2)
    providerCooldownMs: cooldownMs,
    retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
    env: { ...process.env, RAMPART_LOG_LEVEL: process.env.RAMPART_LOG_LEVEL ?? 'silent' },
  });
  const mcp = new ResilientMCPClient({
    manager,
    servers: { supabase: [primary.endpoint, secondary.endpoint] },
    offline: { supabase: (_tool, args) => ({ server: 'offline', rows: [], note: `queued for later: ${String(args.sql)}` }) },
  });
  const query = async (event: string) => {
    const result = await mcp.callTool('supabase', 'query', { sql: 'select * from campaigns' });
    const step = { event, answeredBy: whoAnswered(result) };
    steps.push(step);
    options.onStep?.(step);
  };

  try {
    // seed: self.resilience.register_mcp_monitor("supabase")
    manager.registerMcpMonitor('supabase', { ...primary.endpoint, listTools: true });
    await manager.start();
    await manager.checkNow(); // the registration is asynchronous: wait for it and a first check

    await query('both servers up');

    await primary.setDown(true); // killed, and it cannot restart for now
    await primary.kill();
    await query('primary killed');

    await secondary.kill();
    await query('secondary killed too');

    await primary.setDown(false);
    await secondary.restart();
    await manager.clock.sleep(cooldownMs + 100); // the failed primary is skipped until its cooldown ends
    await query('both restarted, cooldown over');

    await manager.checkNow();
    const health = await manager.getHealthReport();
    if (!manager.isProviderAvailable(ResourceType.MCP_SERVER, 'supabase/primary')) throw new Error('supabase/primary should be available again');
    return { steps, health };
  } finally {
    await mcp.close();
    await manager.stop();
    await primary.close();
    await secondary.close();
  }
}
