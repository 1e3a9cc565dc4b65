import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import type { ResourceMonitor } from '../resource/monitor.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { drive, httpError, memoryLogger, rejection, SettableMonitor, testManager } from './__fixtures__/manager-fixtures.js';
import { registerMonitorPlugin } from './monitor-plugins.js';
import { ResilienceManager } from './resilience-manager.js';
import type { ResilienceConfig } from './resilience-config.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});
function setup(config: ResilienceConfig = {}, team?: string) {
  const t = testManager(config, team);
  managers.push(t.manager);
  return t;
}

describe('ResilienceManager lifecycle', () => {
  it('start() runs a first round of checks before it resolves, then one per checkIntervalMs', async () => {
    const { manager, clock } = setup();
    const quota = { remaining: 50, limit: 100 };
    manager.registerApiQuotaMonitor('openai', () => quota);
    const cpu = new SettableMonitor('host', ResourceType.CPU);
    manager.registerMonitor(cpu);
    await manager.start();
    expect(cpu.checks).toBe(1);
    expect(manager.getMonitorStatus('api_quota:openai')).toEqual({
      status: 'healthy',
      usage: 50,
      details: { remaining: 50, limit: 100 },
      checkedAt: clock.wallNow(),
    });
    quota.remaining = 15;
    await clock.tickAsync(1_000);
    expect(cpu.checks).toBe(2);
    expect(manager.getStatus(ResourceType.API_QUOTA)).toBe(ResourceStatus.DEGRADED);
    expect(manager.getStatus(ResourceType.CPU)).toBe(ResourceStatus.HEALTHY);
    expect(manager.getStatus(ResourceType.DOCKER)).toBe(ResourceStatus.HEALTHY);
    expect(manager.getMonitorStatus('docker:none')).toBeUndefined();
  });

  it('stop() releases every timer: rounds, queue deadlines and retries, and chain waits', async () => {
    const { manager, clock } = setup({
      queue: { retryIntervalMs: 1_000 },
      fallbackStrategies: {
        network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)],
        api_quota: [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 5, baseDelayMs: 60_000 })],
      },
    });
    const hung: ResourceMonitor = { name: 'hung', resourceType: ResourceType.MCP_SERVER, check: () => new Promise(() => undefined) };
    manager.registerMonitor(hung);
    const started = manager.start();
    await clock.tickAsync(500);
    await started;
    const queued = rejection(manager.execute(ResourceType.NETWORK, async () => Promise.reject(httpError(503))));
    const waiting = rejection(manager.execute(ResourceType.API_QUOTA, async () => Promise.reject(httpError(503))));
    await clock.tickAsync(10);
    expect(clock.pendingTimers).toBeGreaterThanOrEqual(4); // round, queue deadline, queue retry, retry backoff
    await manager.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(await queued).toMatchObject({ name: 'QueueStoppedError', persisted: false });
    expect(await waiting).toMatchObject({ message: 'ResilienceManager "test-team" stopped' });
  });

  it('can be started again after stop()', async () => {
    const { manager, clock } = setup();
    const m = new SettableMonitor('db', ResourceType.DATABASE);
    manager.registerMonitor(m);
    await manager.start();
    await manager.stop();
    await manager.start();
    expect(m.checks).toBe(2);
    await clock.tickAsync(1_000);
    expect(m.checks).toBe(3);
    expect((await manager.getHealthReport()).components.system.uptime).toBe(1);
  });

  it('validates its configuration and arguments with ConfigErrors naming the path', () => {
    const bad = (config: unknown) => () => new ResilienceManager('t', config as ResilienceConfig);
    expect(bad({ fallbackStrategies: { api_quota: [{ strategy: 'SWITCH' }] } })).toThrow(
      'fallbackStrategies.api_quota[0].strategy: unknown strategy "SWITCH"',
    );
    expect(bad({ queue: { maxQueueSize: 0 } })).toThrow('queue.maxQueueSize: must be greater than 0, got 0');
    expect(() => new ResilienceManager('')).toThrow(/team name/);
    const { manager } = setup();
    expect(() => manager.registerMonitor({ name: 'x', resourceType: 'disk', check: async () => ({ status: 'healthy' }) } as never)).toThrow(
      'monitor.resourceType: unknown resource type "disk"',
    );
    expect(() => manager.setProviders(ResourceType.API_QUOTA, ['a', 'a'])).toThrow('providers.api_quota: must not repeat a provider');
    expect(() => manager.getStatus('quota' as ResourceType)).toThrow('resourceType: unknown resource type "quota"');
    expect(() => manager.registerApiQuotaMonitor('openai', 'nope' as never)).toThrow(ConfigError);
  });
});

describe('providers', () => {
  it('share cooldowns between callers and honour monitors named after them', async () => {
    const { manager, clock } = setup({ providerCooldownMs: 5_000 });
    expect(manager.getProviders(ResourceType.API_QUOTA)).toEqual(['openai', 'anthropic', 'local']);
    manager.setProviders(ResourceType.API_QUOTA, ['gpt', 'claude']);
    expect(manager.getProviders(ResourceType.API_QUOTA)).toEqual(['gpt', 'claude']);
    manager.reportProviderFailure(ResourceType.API_QUOTA, 'gpt');
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'gpt')).toBe(false);
    await clock.tickAsync(5_000);
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'gpt')).toBe(true);
    manager.reportProviderFailure(ResourceType.API_QUOTA, 'gpt', { error: httpError(429, 'slow', 60_000) });
    await clock.tickAsync(59_000);
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'gpt')).toBe(false);
    manager.reportProviderSuccess(ResourceType.API_QUOTA, 'gpt');
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'gpt')).toBe(true);
    const claude = new SettableMonitor('claude', ResourceType.API_QUOTA);
    claude.set(ResourceStatus.CRITICAL, 99);
    manager.registerMonitor(claude);
    await manager.checkNow();
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'claude')).toBe(false);
    const report = await manager.getHealthReport();
    expect(report.providers.api_quota).toEqual({
      gpt: { available: true, cooldown_remaining_ms: 0, state: 'available', last_failure_at: new Date(clock.wallNow() - 59_000).toISOString() },
      claude: { available: false, cooldown_remaining_ms: 0, state: 'monitor_down', why: 'monitor api_quota:claude reports critical (usage 99%)' },
    });
  });
});

describe('monitor plugins and registerMcpMonitor', () => {
  it('creates MCP monitors through a registered plugin; checkNow() waits for the registration', async () => {
    const { manager } = setup();
    const seen: unknown[] = [];
    const plugin = registerMonitorPlugin('mcp', async (name, options, context) => {
      seen.push([name, options, context.team]);
      return { name, resourceType: ResourceType.MCP_SERVER, check: async () => ({ status: ResourceStatus.DEGRADED }) };
    });
    try {
      manager.registerMcpMonitor('supabase', { url: 'http://127.0.0.1:1/mcp' });
      await manager.checkNow();
      expect(seen).toEqual([['supabase', { url: 'http://127.0.0.1:1/mcp' }, 'test-team']]);
      expect(manager.getMonitorStatus('mcp_server:supabase')?.status).toBe('degraded');
    } finally {
      plugin.dispose();
    }
  });

  it('without a plugin, imports @rampart/mcp; a monitor that cannot be created reports unavailable with the reason', async () => {
    const { manager } = setup();
    manager.registerMcpMonitor('broken', { url: 'not a url', unknownOption: true });
    await manager.checkNow();
    const status = manager.getMonitorStatus('mcp_server:broken');
    expect(status?.status).toBe('unavailable');
    expect(String(status?.details?.error)).toMatch(/^options\.unknownOption/);
  });
});

describe('logging', () => {
  it('logs through a child bound to the team: steps at debug, exhaustion at warn, without secrets', async () => {
    const { logger, lines } = memoryLogger('debug');
    const clock = new FakeClock();
    const manager = new ResilienceManager('marketing-team', {
      env: {},
      clock,
      logger,
      fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.DEGRADE_SERVICE)] },
    });
    managers.push(manager);
    const leak = Object.assign(new Error('connect https://user:hunter2@api.example.test failed; Bearer abcdefghijklmnopq'), { status: 503 });
    await drive(clock, rejection(manager.execute(ResourceType.NETWORK, async () => Promise.reject(leak))));
    expect(manager.logger.bindings()).toMatchObject({ team: 'marketing-team' });
    const steps = lines.filter((l) => l.msg === 'fallback step degrade_service failed');
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ level: 20, team: 'marketing-team', resource: 'network', strategy: 'degrade_service' });
    const warn = lines.find((l) => l.level === 40);
    expect(warn).toMatchObject({ team: 'marketing-team', resource: 'network' });
    expect(String(warn!.msg)).toMatch(/^FallbackExhaustedError: All fallbacks for network failed/);
    expect(JSON.stringify(lines)).not.toMatch(/hunter2|abcdefghijklmnopq/);
  });

  it('defaults to pino at RAMPART_LOG_LEVEL and rejects unknown levels', () => {
    const quiet = new ResilienceManager('t1', { env: { RAMPART_LOG_LEVEL: 'warn' } });
    expect(quiet.logger.level).toBe('warn');
    expect(new ResilienceManager('t2', { env: {} }).logger.level).toBe('info');
    expect(() => new ResilienceManager('t3', { env: { RAMPART_LOG_LEVEL: 'loud' } })).toThrow(/^RAMPART_LOG_LEVEL: must be one of/);
  });
});
