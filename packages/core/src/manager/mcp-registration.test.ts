import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { testManager } from './__fixtures__/manager-fixtures.js';
import { registerMonitorPlugin } from './monitor-plugins.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
const disposers: Array<() => void> = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A monitor whose checks wait until the test answers them. */
class GatedMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.MCP_SERVER;
  readonly answers: Array<(r: MonitorCheckResult) => void> = [];
  constructor(readonly name: string) {}
  check(): Promise<MonitorCheckResult> {
    return new Promise((resolve) => this.answers.push(resolve));
  }
}

/** The `mcp` plugin, answered by the test: each registration waits for `creations[i]`. */
function controlledPlugin() {
  const creations: Array<ReturnType<typeof deferred<ResourceMonitor>>> = [];
  const plugin = registerMonitorPlugin('mcp', () => {
    const d = deferred<ResourceMonitor>();
    creations.push(d);
    return d.promise;
  });
  disposers.push(() => plugin.dispose());
  return creations;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const t = testManager();
  managers.push(t.manager);
  return t;
}

describe('registerMcpMonitor and start()', () => {
  it('start() waits for registrations made before it, and checks those monitors in its first round', async () => {
    const { manager } = setup();
    const creations = controlledPlugin();
    manager.registerMcpMonitor('supabase', { url: 'http://127.0.0.1:1/mcp' });
    let started = false;
    const starting = manager.start().then(() => (started = true));
    await settle();
    expect(started).toBe(false); // the monitor is still being created
    const monitor = {
      name: 'supabase',
      resourceType: ResourceType.MCP_SERVER,
      checks: 0,
      async check(): Promise<MonitorCheckResult> {
        this.checks++;
        return { status: ResourceStatus.DEGRADED };
      },
    };
    creations[0]!.resolve(monitor);
    await starting;
    expect(monitor.checks).toBe(1);
    expect(manager.getMonitorStatus('mcp_server:supabase')?.status).toBe('degraded');
    const report = await manager.getHealthReport();
    expect(report.resources['mcp_server:supabase']).toMatchObject({ status: 'degraded' });
    expect(report.resources['mcp_server:supabase']?.pending).toBeUndefined();
  });

  it('after start(), the report shows the server as pending (with the reason) until its first check, without dragging the team down', async () => {
    const { manager } = setup();
    await manager.start();
    const creations = controlledPlugin();
    manager.registerMcpMonitor('github', { url: 'http://127.0.0.1:1/mcp' });

    const creating = await manager.getHealthReport();
    expect(creating.resources['mcp_server:github']).toMatchObject({ status: 'pending', pending: true, duration_ms: 0 });
    expect(creating.resources['mcp_server:github']?.error).toMatch(/^registration pending/);
    expect(creating.overall_health).toBe('pending');
    // routing is not affected by a pending entry: only monitors that reported count
    expect(manager.getStatus(ResourceType.MCP_SERVER)).toBe('healthy');
    expect(manager.getMonitorStatus('mcp_server:github')).toBeUndefined();

    const monitor = new GatedMonitor('github');
    creations[0]!.resolve(monitor);
    await settle();
    expect(monitor.answers).toHaveLength(1); // registered after start(): checked at once, asynchronously
    const checking = await manager.getHealthReport();
    expect(checking.resources['mcp_server:github']).toMatchObject({ status: 'pending', pending: true });
    expect(checking.resources['mcp_server:github']?.error).toMatch(/first check has not completed/);

    monitor.answers[0]!({ status: ResourceStatus.HEALTHY });
    await settle();
    const checked = await manager.getHealthReport();
    expect(checked.resources['mcp_server:github']).toMatchObject({ status: 'healthy' });
    expect(checked.resources['mcp_server:github']?.pending).toBeUndefined();
    expect(checked.overall_health).toBe('healthy');
  });

  it('a monitor that cannot be created shows the reason while pending, then reports unavailable', async () => {
    const { manager } = setup();
    await manager.start();
    const creations = controlledPlugin();
    manager.registerMcpMonitor('broken', {});
    await settle();
    creations[0]!.reject(new Error('bad options for https://user:hunter2@mcp.example.test'));
    await manager.checkNow();
    const report = await manager.getHealthReport();
    expect(report.resources['mcp_server:broken']).toMatchObject({ status: 'unavailable' });
    expect(report.resources['mcp_server:broken']?.pending).toBeUndefined();
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });

  it('unregistering a pending monitor removes its entry and discards the monitor once created', async () => {
    const { manager } = setup();
    await manager.start();
    const creations = controlledPlugin();
    manager.registerMcpMonitor('gone', {});
    expect((await manager.getHealthReport()).resources['mcp_server:gone']).toBeDefined();
    manager.unregisterMonitor('mcp_server:gone');
    expect((await manager.getHealthReport()).resources['mcp_server:gone']).toBeUndefined();
    await settle();
    let closed = false;
    creations[0]!.resolve({
      name: 'gone',
      resourceType: ResourceType.MCP_SERVER,
      check: async () => ({ status: ResourceStatus.HEALTHY }),
      close: async () => void (closed = true),
    });
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:gone')).toBeUndefined();
    expect(closed).toBe(true);
  });

  it('registering the same name again supersedes a registration still in progress', async () => {
    const { manager } = setup();
    await manager.start();
    const creations = controlledPlugin();
    manager.registerMcpMonitor('db', { url: 'http://127.0.0.1:1/old' });
    manager.registerMcpMonitor('db', { url: 'http://127.0.0.1:1/new' });
    await settle();
    const make = (status: ResourceStatus) => ({ name: 'db', resourceType: ResourceType.MCP_SERVER, check: async () => ({ status }) });
    creations[1]!.resolve(make(ResourceStatus.HEALTHY));
    await settle();
    creations[0]!.resolve(make(ResourceStatus.CRITICAL)); // the older one completes last: discarded
    await manager.checkNow();
    expect(manager.getMonitorStatus('mcp_server:db')?.status).toBe('healthy');
  });
});
