// Per-message routing: `route` picks which channels a message may use, and in what order.
import { ConfigError } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, TempDirs } from '../__fixtures__/eventually.js';
import { FileChannel } from '../file/file-channel.js';
import { InMemoryBus } from '../memory/in-memory-bus.js';
import { InMemoryChannel } from '../memory/in-memory-channel.js';
import { MessagePriority } from '../message.js';
import type { MessageRoute } from './team-channels-options.js';
import { TeamChannels } from './team-channels.js';

const dirs = new TempDirs();
const running: TeamChannels[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
  await dirs.cleanUp();
});

function team(name: string, bus: InMemoryBus, directory: string, clock: FakeClock, route?: MessageRoute) {
  const memory = new InMemoryChannel({ team: name, bus });
  const file = new FileChannel({ team: name, directory, clock, pollIntervalMs: 100, watch: false });
  const channels = new TeamChannels({
    team: name,
    channels: [memory, file],
    clock,
    healthCheckIntervalMs: 1_000,
    healthCheckTimeoutMs: 3_600_000,
    sendTimeoutMs: 3_600_000,
    ...(route === undefined ? {} : { route }),
  });
  running.push(channels);
  const handled: string[] = [];
  channels.handle('work', (m) => void handled.push(m.payload as string));
  return { channels, memory, file, handled };
}

/** Critical messages must be durable (file only); `bulk` prefers the file channel; the rest keep the default order. */
const route: MessageRoute = (m) => (m.priority === MessagePriority.CRITICAL ? ['file'] : m.type === 'bulk' ? ['file', 'memory'] : undefined);

describe('TeamChannels route', () => {
  it('sends each message over the channels its route gives, in that order', async () => {
    const clock = new FakeClock();
    const bus = new InMemoryBus();
    const dir = await dirs.make('route');
    const a = team('a', bus, dir, clock, route);
    const b = team('b', bus, dir, clock);
    b.channels.handle('bulk', (m) => void b.handled.push(m.payload as string));
    await Promise.all([a.channels.start(), b.channels.start()]);

    expect(await a.channels.send('b', 'work', 'normal')).toMatchObject({ channel: 'memory' });
    expect(await a.channels.send('b', 'work', 'urgent', { priority: MessagePriority.CRITICAL })).toMatchObject({ channel: 'file' });
    expect(await a.channels.send('b', 'bulk', 'big')).toMatchObject({ channel: 'file' });
    await eventually(() => b.handled.length === 3, { clock, tickMs: 50 });
    expect([...b.handled].sort()).toEqual(['big', 'normal', 'urgent']);
    expect(a.channels.getHealth().channels.map((c) => [c.kind, c.sent])).toEqual([['memory', 1], ['file', 2]]);
  });

  it('never falls back to a channel the route left out: the message waits in the outbox and goes out over its route', async () => {
    const clock = new FakeClock();
    const bus = new InMemoryBus();
    const dir = await dirs.make('route-outbox');
    const a = team('a', bus, dir, clock, route);
    const b = team('b', bus, dir, clock);
    await Promise.all([a.channels.start(), b.channels.start()]);
    await a.file.close();
    await eventually(() => a.channels.getHealth().channels[1]!.healthy === false, { clock, tickMs: 50 });

    // memory is healthy, but a critical message may only use the file channel
    expect(await a.channels.send('b', 'work', 'urgent', { priority: MessagePriority.CRITICAL })).toMatchObject({ channel: undefined, queued: true });
    expect(a.channels.getHealth().outboxDepth).toBe(1);
    expect(a.channels.getHealth().channels[0]!.sent).toBe(0);

    await a.file.start(); // the next health check finds it usable and resends the outbox over it
    await eventually(() => b.handled.includes('urgent'), { clock, tickMs: 50 });
    expect(a.channels.getHealth()).toMatchObject({ outboxDepth: 0 });
    expect(a.channels.getHealth().channels.map((c) => [c.kind, c.sent])).toEqual([['memory', 0], ['file', 1]]);
  });

  it('rejects a send whose route names a channel the team does not have, or is not a function', async () => {
    const clock = new FakeClock();
    const dir = await dirs.make('route-bad');
    const a = team('a', new InMemoryBus(), dir, clock, () => ['redis']);
    await a.channels.start();
    const error = await a.channels.send('b', 'work', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path: 'TeamChannels.route' });
    expect(String((error as Error).message)).toContain('"redis"');
    expect(() => new TeamChannels({ team: 'c', channels: [new InMemoryChannel({ team: 'c', bus: new InMemoryBus() })], route: 'memory' as never })).toThrow(
      expect.objectContaining({ path: 'TeamChannels.route' }),
    );
  });
});
