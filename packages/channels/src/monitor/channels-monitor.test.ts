import { CircuitState, ConfigError, ResilienceManager, ResourceStatus } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, TempDirs } from '../__fixtures__/eventually.js';
import { FileChannel } from '../file/file-channel.js';
import { TeamChannels } from '../manager/team-channels.js';
import type { TeamChannelsHealth } from '../manager/team-channels-types.js';
import { InMemoryBus } from '../memory/in-memory-bus.js';
import { InMemoryChannel } from '../memory/in-memory-channel.js';
import { ChannelsMonitor } from './channels-monitor.js';

const dirs = new TempDirs();
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await dirs.cleanUp();
});

async function team(name: string, bus: InMemoryBus, directory: string, clock: FakeClock) {
  const memory = new InMemoryChannel({ team: name, bus });
  const file = new FileChannel({ team: name, directory, clock, pollIntervalMs: 100, watch: false });
  const channels = new TeamChannels({ team: name, channels: [memory, file], clock, healthCheckIntervalMs: 1_000, healthCheckTimeoutMs: 3_600_000, sendTimeoutMs: 3_600_000 });
  cleanup.push(() => channels.stop());
  await channels.start();
  return { channels, memory, file };
}

describe('ChannelsMonitor', () => {
  it('shows a team’s channels in its manager’s health report: healthy, degraded after a failover, unavailable when stopped', async () => {
    const clock = new FakeClock();
    const bus = new InMemoryBus();
    const dir = await dirs.make('monitor');
    const a = await team('a', bus, dir, clock);
    await team('b', bus, dir, clock);
    const manager = new ResilienceManager('a', { env: { RAMPART_LOG_LEVEL: 'silent' } });
    cleanup.push(() => manager.stop());
    const key = manager.registerMonitor(new ChannelsMonitor(a.channels));
    expect(key).toBe('network:channels');
    await manager.start();
    await manager.checkNow();
    const healthy = (await manager.getHealthReport()).resources['network:channels'];
    expect(healthy).toMatchObject({ status: ResourceStatus.HEALTHY });

    const monitor = new ChannelsMonitor(a.channels, { name: 'team-a' });
    await a.memory.close();
    await eventually(() => a.channels.activeChannel === 'file', { clock, tickMs: 50 });
    const degraded = await monitor.check();
    expect(degraded).toMatchObject({ status: ResourceStatus.DEGRADED, details: { team: 'a', activeChannel: 'file', outboxDepth: 0 } });
    expect(degraded.details?.reasons).toContain('failed over from memory to file');

    await a.channels.stop();
    expect(await monitor.check()).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reasons: ['channels are stopped'] } });
  });

  it('maps no usable channel to unavailable and a deep outbox to critical', async () => {
    const base: TeamChannelsHealth = {
      team: 't',
      running: true,
      activeChannel: 'memory',
      channels: [{ kind: 'memory', healthy: true, circuit: CircuitState.Closed, sent: 0, received: 0, failures: 0 }],
      outboxDepth: 0,
      duplicatesDropped: 0,
      pendingRequests: 0,
    };
    const check = (h: Partial<TeamChannelsHealth>) => new ChannelsMonitor({ getHealth: () => ({ ...base, ...h }) }, { outboxCriticalDepth: 10 }).check();
    expect((await check({})).status).toBe(ResourceStatus.HEALTHY);
    expect((await check({ outboxDepth: 3 })).status).toBe(ResourceStatus.DEGRADED);
    expect((await check({ outboxDepth: 10 })).status).toBe(ResourceStatus.CRITICAL);
    expect(await check({ activeChannel: undefined, outboxDepth: 10 })).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { activeChannel: null } });
  });

  it('names a bad argument', () => {
    expect(() => new ChannelsMonitor({} as never)).toThrow(ConfigError);
    expect(() => new ChannelsMonitor({ getHealth: () => ({}) } as never, { outboxCriticalDepth: 0 })).toThrow(expect.objectContaining({ path: 'ChannelsMonitor.options.outboxCriticalDepth' }));
  });
});
