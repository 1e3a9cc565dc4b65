import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  ConfigError,
  FallbackExhaustedError,
  FallbackStrategy,
  ResilienceManager,
  ResourceType,
  systemClock,
  type Clock,
  type FallbackStepEvent,
  type ResilienceConfig,
  withFallback,
} from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createStdioMcpServer, startHttpMcpServer, type HttpMcpServer, type StdioMcpServer } from '../testing/index.js';
import { OFFLINE_META_KEY } from './offline-responder.js';
import { ResilientMCPClient } from './resilient-mcp-client.js';
import type { ResilientMCPClientOptions } from './resilient-mcp-client-options.js';

/** Real timers (SDK requests and backoff really wait), but `now()` can jump ahead to end cooldowns. */
class JumpClock implements Clock {
  #offsetMs = 0;
  now = () => systemClock.now() + this.#offsetMs;
  wallNow = () => systemClock.wallNow() + this.#offsetMs;
  setTimeout = systemClock.setTimeout;
  setBackgroundTimeout = systemClock.setBackgroundTimeout;
  clearTimeout = systemClock.clearTimeout;
  sleep = systemClock.sleep;
  jump(ms: number): void {
    this.#offsetMs += ms;
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function managerFor(clock: Clock, config: ResilienceConfig = {}): ResilienceManager {
  const manager = new ResilienceManager('mcp-team', {
    checkIntervalMs: 600_000,
    providerCooldownMs: 60_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    circuitBreaker: { failureThreshold: 100, recoveryTimeoutMs: 60_000 },
    env: { RAMPART_LOG_LEVEL: 'silent' },
    clock,
    ...config,
  });
  cleanups.push(() => manager.stop());
  return manager;
}

function client(options: ResilientMCPClientOptions): ResilientMCPClient {
  const c = new ResilientMCPClient(options);
  cleanups.push(() => c.close());
  return c;
}

async function stdio(id: string): Promise<StdioMcpServer> {
  const s = await createStdioMcpServer({ id });
  cleanups.push(() => s.close());
  return s;
}

async function http(id: string): Promise<HttpMcpServer> {
  const s = await startHttpMcpServer({ id });
  cleanups.push(() => s.close());
  return s;
}

/** Which server answered (the test servers name themselves), or 'offline'. */
function answeredBy(result: CallToolResult): unknown {
  return (result.structuredContent as { server?: unknown } | undefined)?.server;
}

function recordSteps(manager: ResilienceManager): FallbackStepEvent[] {
  const steps: FallbackStepEvent[] = [];
  manager.onFallbackStep((e) => {
    if (e.outcome !== 'skipped') steps.push(e);
  });
  return steps;
}

const offlineEcho = (tool: string, args: Readonly<Record<string, unknown>>) => ({ server: 'offline', tool, args });

describe('ResilientMCPClient failover', () => {
  it('switches primary → secondary → offline responder and back to primary after it restarts', async () => {
    const clock = new JumpClock();
    const manager = managerFor(clock);
    const primary = await stdio('primary');
    const secondary = await http('secondary');
    const mcp = client({
      manager,
      servers: { supabase: [primary.endpoint, secondary.endpoint] },
      offline: { supabase: offlineEcho },
    });
    expect(mcp.options.servers.get('supabase')?.providers).toEqual(['supabase/primary', 'supabase/secondary', 'supabase/mock']);
    const steps = recordSteps(manager);

    expect(answeredBy(await mcp.callTool('supabase', 'query', { sql: 'select 1' }))).toBe('primary');
    expect(steps).toEqual([]);

    // the primary dies and cannot come back for now
    await primary.setDown(true);
    await primary.kill();
    const switched = await mcp.callTool('supabase', 'query', { sql: 'select 2' });
    expect(switched.structuredContent).toEqual({ server: 'secondary', sql: 'select 2', rows: [{ server: 'secondary' }] });
    // the killed primary's process is down: no retry with backoff, the secondary answers at once
    expect(steps.map((s) => [s.strategy, s.outcome])).toEqual([
      ['primary', 'failed'],
      [FallbackStrategy.SWITCH_PROVIDER, 'answered'],
    ]);
    expect(steps.at(-1)?.provider).toBe('supabase/secondary');
    expect(manager.isProviderAvailable(ResourceType.MCP_SERVER, 'supabase/primary')).toBe(false);

    // while the primary cools down, calls go straight to the secondary
    steps.length = 0;
    expect(answeredBy(await mcp.callTool('supabase', 'echo', { text: 'hi' }))).toBe('secondary');
    expect(steps).toMatchObject([{ strategy: FallbackStrategy.SWITCH_PROVIDER, outcome: 'answered', provider: 'supabase/secondary', proactive: true }]);

    // the secondary dies too: the offline responder answers
    await secondary.kill();
    steps.length = 0;
    const offline = await mcp.callTool('supabase', 'echo', { text: 'anyone?' });
    expect(offline.structuredContent).toEqual({ server: 'offline', tool: 'echo', args: { text: 'anyone?' } });
    expect(offline._meta?.[OFFLINE_META_KEY]).toBe(true);
    expect(steps.at(-1)).toMatchObject({ strategy: FallbackStrategy.SWITCH_PROVIDER, outcome: 'answered', provider: 'supabase/mock' });

    // the primary restarts; once its cooldown is over, plain calls reach it again
    await primary.setDown(false);
    clock.jump(61_000);
    steps.length = 0;
    expect(answeredBy(await mcp.callTool('supabase', 'echo', { text: 'back' }))).toBe('primary');
    expect(steps).toEqual([]);
    expect(await primary.pids()).toHaveLength(1);
  });

  it('fails over when the server is killed in the middle of a call', async () => {
    const manager = managerFor(new JumpClock());
    const primary = await stdio('primary');
    const secondary = await stdio('secondary');
    const mcp = client({ manager, servers: { db: [primary.endpoint, secondary.endpoint] } });
    expect(answeredBy(await mcp.callTool('db', 'echo', { text: 'warm' }))).toBe('primary');

    // the primary's answer is held back for a minute: only the kill can end its call, however slow the machine
    await primary.setLatencyMs(60_000);
    const pending = mcp.callTool('db', 'sleep', { ms: 300 });
    await primary.setDown(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await primary.kill();
    expect((await pending).structuredContent).toEqual({ server: 'secondary', sleptMs: 300 });
  });

  it('returns tool errors as answers, without failing over', async () => {
    const manager = managerFor(new JumpClock());
    const primary = await stdio('primary');
    const steps = recordSteps(manager);
    const mcp = client({ manager, servers: { db: [primary.endpoint] } });
    const result = await mcp.callTool('db', 'fail', { message: 'no such table' });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'primary: no such table' }]);
    const unknown = await mcp.callTool('db', 'no_such_tool', {});
    expect(unknown.isError).toBe(true);
    expect(steps).toEqual([]);
  });

  it('without an offline responder, exhausts the chain and opens the circuit; recovers after the timeout', async () => {
    const clock = new JumpClock();
    // a short deadline: SWITCH_PROVIDER does not wait for the cooled-down primary to come back
    const manager = managerFor(clock, { circuitBreaker: { failureThreshold: 100, recoveryTimeoutMs: 5_000 }, queue: { maxWaitMs: 1_000 } });
    const only = await stdio('only');
    const mcp = client({ manager, servers: { db: [only.endpoint] } });
    await only.setDown(true);

    const error = await mcp.callTool('db', 'echo', { text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackExhaustedError);
    expect((error as Error).message).not.toContain('undefined');
    const circuits = Object.entries((await manager.getHealthReport()).circuits ?? {});
    expect(circuits.filter(([name, c]) => name.includes(ResourceType.MCP_SERVER) && c.state === 'open')).not.toEqual([]);

    // the open circuit answers at once, without starting the server
    await only.setDown(false);
    await expect(mcp.callTool('db', 'echo', { text: 'y' })).rejects.toBeInstanceOf(FallbackExhaustedError);
    expect(await only.pids()).toEqual([]);

    clock.jump(61_000);
    expect(answeredBy(await mcp.callTool('db', 'echo', { text: 'z' }))).toBe('only');
  });

  it('with every endpoint down and the default chain, rejects without sleeping through cooldowns, naming each endpoint and why', async () => {
    // the manager's default chain and 30 s cooldowns (only the retry backoff is shortened): before,
    // this call slept through the endpoints' cooldowns and took over a minute; the test's own
    // timeout is the guard
    const manager = new ResilienceManager('mcp-defaults', { env: { RAMPART_LOG_LEVEL: 'silent' }, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
    cleanups.push(() => manager.stop());
    const primary = await stdio('primary');
    const secondary = await http('secondary');
    const mcp = client({ manager, servers: { supabase: [primary.endpoint, secondary.endpoint] } });
    await primary.setDown(true);
    await primary.kill();
    await secondary.kill();
    const err = (await mcp.callTool('supabase', 'echo', { text: 'anyone?' }).catch((e: unknown) => e)) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.providers.map((p) => [p.provider, p.state])).toEqual([
      ['supabase/primary', 'tried'],
      ['supabase/secondary', 'tried'],
    ]);
    expect(err.message).toContain('supabase/primary: failed (');
    expect(err.message).toContain('supabase/secondary: failed (');
  });

  it('keeps logical servers apart: each only ever calls its own endpoints', async () => {
    const manager = managerFor(new JumpClock());
    const a1 = await stdio('supabase-1');
    const a2 = await http('supabase-2');
    const b1 = await stdio('github-1');
    const mcp = client({
      manager,
      servers: { supabase: [a1.endpoint, a2.endpoint], github: [b1.endpoint] },
      offline: { github: offlineEcho },
    });
    expect(mcp.servers).toEqual(['supabase', 'github']);
    expect(answeredBy(await mcp.callTool('github', 'echo', { text: '1' }))).toBe('github-1');
    await a1.setDown(true);
    await a1.kill();
    expect(answeredBy(await mcp.callTool('supabase', 'echo', { text: '2' }))).toBe('supabase-2');
    expect(answeredBy(await mcp.callTool('github', 'echo', { text: '3' }))).toBe('github-1');
    expect(answeredBy(await mcp.callTool('supabase', 'echo', { text: '4' }))).toBe('supabase-2');
  });

  it("one logical server's primary being down never makes another's skipped (providers are per server)", async () => {
    const manager = managerFor(new JumpClock(), {
      fallbackStrategies: { mcp_server: [{ strategy: FallbackStrategy.SWITCH_PROVIDER }, { strategy: FallbackStrategy.CIRCUIT_BREAK }] },
    });
    const supabase1 = await stdio('supabase-1');
    const supabase2 = await stdio('supabase-2');
    const github1 = await stdio('github-1');
    const github2 = await stdio('github-2');
    const mcp = client({ manager, servers: { supabase: [supabase1.endpoint, supabase2.endpoint], github: [github1.endpoint, github2.endpoint] } });
    const steps = recordSteps(manager);

    await supabase1.setDown(true);
    expect(answeredBy(await mcp.callTool('supabase', 'echo', { text: 'a' }))).toBe('supabase-2');
    expect(steps.map((s) => `${s.strategy}:${s.outcome}:${s.provider ?? ''}`)).toEqual(['primary:failed:supabase/primary', 'switch_provider:answered:supabase/secondary']);
    expect(manager.isProviderAvailable(ResourceType.MCP_SERVER, 'supabase/primary')).toBe(false);

    // github's primary is not cooling down: its call is a plain one to its primary, no fallback at all
    steps.length = 0;
    expect(manager.isProviderAvailable(ResourceType.MCP_SERVER, 'github/primary')).toBe(true);
    expect(answeredBy(await mcp.callTool('github', 'echo', { text: 'b' }))).toBe('github-1');
    expect(steps).toEqual([]);
    expect(await github2.pids()).toEqual([]);

    // the report keeps them apart too, under the qualified names
    const report = await manager.getHealthReport();
    expect(report.providers.mcp_server).toMatchObject({
      'supabase/primary': { available: false },
      'supabase/secondary': { available: true },
      'github/primary': { available: true, cooldown_remaining_ms: 0 },
      'github/secondary': { available: true },
    });
    expect(report.circuits['mcp-team/mcp_server/github/primary']).toMatchObject({ state: 'closed', failures: 0 });
    expect(report.circuits['mcp-team/mcp_server/supabase/primary']).toMatchObject({ failures: 1 });
  });

  it("inside a @withFallback(MCP_SERVER) method, the method's chain alone decides, and its bare ranks pick this server's endpoints", async () => {
    const manager = managerFor(new JumpClock());
    const primary = await stdio('supabase-1');
    const secondary = await stdio('supabase-2');
    const mcp = client({ manager, servers: { supabase: [primary.endpoint, secondary.endpoint] } });
    class DataTeam {
      readonly resilience = manager;
      @withFallback(ResourceType.MCP_SERVER)
      async lookup(sql: string): Promise<CallToolResult> {
        return mcp.callTool('supabase', 'query', { sql });
      }
    }
    const steps = recordSteps(manager);
    await primary.setDown(true);
    expect(answeredBy(await new DataTeam().lookup('select 1'))).toBe('supabase-2');
    // one chain (the method's, over the registered ranks): the plain attempt, then at once the switch
    // (the primary's process is down: no retry with backoff while the secondary can take the call)
    expect(steps.map((s) => `${s.strategy}:${s.outcome}:${s.provider ?? ''}`)).toEqual([
      'primary:failed:primary',
      'switch_provider:answered:secondary',
    ]);
  });

  it('close() stops every server process it started and refuses later calls', async () => {
    const manager = managerFor(new JumpClock());
    const primary = await stdio('primary');
    const mcp = new ResilientMCPClient({ manager, servers: { db: [primary.endpoint] } });
    await mcp.callTool('db', 'echo', { text: 'x' });
    expect(await primary.pids()).toHaveLength(1);
    await mcp.close();
    expect(await primary.pids()).toEqual([]);
    await expect(mcp.callTool('db', 'echo', { text: 'y' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('passes the caller signal through: an abort ends the call without failing over', async () => {
    const manager = managerFor(new JumpClock());
    const primary = await stdio('primary');
    const secondary = await stdio('secondary');
    const steps = recordSteps(manager);
    const mcp = client({ manager, servers: { db: [primary.endpoint, secondary.endpoint] } });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const pending = mcp.callTool('db', 'sleep', { ms: 5_000 }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(steps.filter((s) => s.strategy === FallbackStrategy.SWITCH_PROVIDER)).toEqual([]);
    expect(await secondary.pids()).toEqual([]);
  });
});

describe('ResilientMCPClient options', () => {
  const manager = () => managerFor(systemClock);
  const endpoint = { command: 'node', args: ['server.js'] };

  it.each([
    [{ servers: { a: [endpoint] } }, 'manager'],
    [{ servers: {} }, 'servers'],
    [{ servers: { a: [] } }, 'servers.a'],
    [{ servers: { a: [{ url: 'ftp://x' }] } }, 'servers.a[0].url'],
    [{ servers: { a: [endpoint] }, offline: { b: () => 1 } }, 'offline.b'],
    [{ servers: { a: [endpoint] }, offline: { a: 'nope' } }, 'offline.a'],
    [{ servers: { a: [endpoint] }, timeoutMs: -1 }, 'timeoutMs'],
    [{ servers: { a: [endpoint] }, retries: 3 }, 'retries'],
    [{ servers: { a: [{ ...endpoint, environment: { KEY: 'x' } }] } }, 'servers.a[0].environment'],
    [{ servers: { a: [{ url: 'http://127.0.0.1/mcp', header: { authorization: 'Bearer x' } }] } }, 'servers.a[0].header'],
    [{ servers: { a: [endpoint] }, clientInfo: { name: 'n', version: '1', title: 't' } }, 'clientInfo.title'],
  ])('rejects a bad config (%#)', (partial, path) => {
    const options = { manager: path === 'manager' ? undefined : manager(), ...partial } as unknown as ResilientMCPClientOptions;
    let error: unknown;
    try {
      new ResilientMCPClient(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });

  it('rejects calls to an unknown logical server', async () => {
    const mcp = client({ manager: manager(), servers: { db: [endpoint] } });
    await expect(mcp.callTool('nope', 'echo')).rejects.toThrow(/unknown MCP server "nope" \(known: db\)/);
  });

  it("leaves the manager's registered list alone and declares each server's qualified providers", async () => {
    const m = managerFor(systemClock, { providers: { mcp_server: ['primary', 'custom'] } });
    client({ manager: m, servers: { a: [endpoint, endpoint, endpoint] } });
    client({ manager: m, servers: { b: [endpoint] }, offline: { b: () => 'offline' } });
    expect(m.getProviders(ResourceType.MCP_SERVER)).toEqual(['primary', 'custom']);
    expect(Object.keys((await m.getHealthReport()).providers.mcp_server ?? {})).toEqual(['primary', 'custom', 'a/primary', 'a/secondary', 'a/fallback3', 'b/primary', 'b/mock']);
  });
});
