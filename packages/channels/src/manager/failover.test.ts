// Two teams over [in-memory, file]: breaking one team's in-memory channel mid-run moves traffic to
// the file channel without losing or doubling a message, and traffic returns once it is back.
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, TempDirs } from '../__fixtures__/eventually.js';
import { FileChannel } from '../file/file-channel.js';
import { InMemoryBus } from '../memory/in-memory-bus.js';
import { InMemoryChannel } from '../memory/in-memory-channel.js';
import { createMessage } from '../message.js';
import type { ChannelSwitch } from './team-channels-events.js';
import { TeamChannels } from './team-channels.js';

const CHECK_MS = 1_000;
const POLL_MS = 100;
const dirs = new TempDirs();
const running: TeamChannels[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
  await dirs.cleanUp();
});

function team(name: string, bus: InMemoryBus, directory: string, clock: FakeClock) {
  const memory = new InMemoryChannel({ team: name, bus });
  const file = new FileChannel({ team: name, directory, clock, pollIntervalMs: POLL_MS, watch: false });
  // Deadlines on the fake clock must not race real file I/O while the test advances it.
  const channels = new TeamChannels({
    team: name,
    channels: [memory, file],
    clock,
    healthCheckIntervalMs: CHECK_MS,
    healthCheckTimeoutMs: 3_600_000,
    sendTimeoutMs: 3_600_000,
  });
  running.push(channels);
  const handled: string[] = [];
  const switches: ChannelSwitch[] = [];
  channels.handle('work', (m) => void handled.push(m.payload as string));
  channels.handle('echo', (m) => ({ echoed: m.payload }));
  channels.onChannelSwitch((s) => switches.push(s));
  return { channels, memory, file, handled, switches };
}

async function sendBatch(from: TeamChannels, to: string, prefix: string, n: number) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await from.send(to, 'work', `${prefix}-${i}`));
  return results.map((r) => r.channel);
}

describe('failover between an in-memory and a file channel', () => {
  it('switches to the file channel when one side loses its in-memory channel, and back when it returns', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const dir = await dirs.make('failover');
    const a = team('a', bus, dir, clock);
    const b = team('b', bus, dir, clock);
    await Promise.all([a.channels.start(), b.channels.start()]);
    const tick = { clock, tickMs: 50 };

    // 1. everything over memory
    expect(await sendBatch(a.channels, 'b', 'a1', 5)).toEqual(Array(5).fill('memory'));
    expect(await sendBatch(b.channels, 'a', 'b1', 5)).toEqual(Array(5).fill('memory'));
    await eventually(() => b.handled.length === 5 && a.handled.length === 5, tick);

    // 2. b's in-memory channel breaks: both directions move to the file channel
    await b.memory.close();
    expect(await sendBatch(a.channels, 'b', 'a2', 5)).toEqual(Array(5).fill('file'));
    expect(await sendBatch(b.channels, 'a', 'b2', 5)).toEqual(Array(5).fill('file'));
    let echoed: unknown;
    void a.channels.request('b', 'echo', 'over file', { timeoutMs: 600_000 }).then((r) => (echoed = r));
    await eventually(() => echoed !== undefined, tick); // the request and its reply both go through files
    expect(echoed).toEqual({ echoed: 'over file' });
    await eventually(() => b.handled.length === 10 && a.handled.length === 10, tick);
    await eventually(() => b.channels.activeChannel === 'file', tick);
    expect(b.switches).toMatchObject([{ team: 'b', from: 'memory', to: 'file' }]);
    expect(['unhealthy', 'circuit_open']).toContain(b.switches[0]!.reason);
    expect(a.channels.activeChannel).toBe('memory'); // a's own in-memory channel is fine
    await eventually(() => b.channels.getHealth().channels[0]!.healthy === false, tick); // the next health check sees it
    expect(b.channels.getHealth().channels[0]).toMatchObject({ kind: 'memory', lastError: 'not started' });

    // 3. it comes back: after a health check, b prefers memory again
    await b.memory.start();
    await eventually(() => b.channels.activeChannel === 'memory', tick);
    expect(b.switches.at(-1)).toMatchObject({ from: 'file', to: 'memory', reason: 'recovered' });
    expect(await sendBatch(a.channels, 'b', 'a3', 5)).toEqual(Array(5).fill('memory'));
    expect(await sendBatch(b.channels, 'a', 'b3', 5)).toEqual(Array(5).fill('memory'));
    await eventually(() => b.handled.length === 15 && a.handled.length === 15, tick);

    // nothing lost, nothing handled twice
    const expected = (prefix: string) => ['1', '2', '3'].flatMap((p) => Array.from({ length: 5 }, (_, i) => `${prefix}${p}-${i}`));
    expect([...b.handled].sort()).toEqual(expected('a').sort());
    expect([...a.handled].sort()).toEqual(expected('b').sort());
    expect(b.channels.getHealth().outboxDepth).toBe(0);
    expect(a.channels.getHealth().outboxDepth).toBe(0);
  });

  it('a message delivered over both channels is handled once', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const dir = await dirs.make('dedupe');
    const a = team('a', bus, dir, clock);
    const b = team('b', bus, dir, clock);
    await Promise.all([a.channels.start(), b.channels.start()]);
    const message = createMessage({ sender: 'a', recipient: 'b', type: 'work', payload: 'twice' });
    await a.memory.send(message);
    await a.file.send(message);
    await eventually(() => b.channels.getHealth().duplicatesDropped === 1, { clock, tickMs: 50 });
    expect(b.handled).toEqual(['twice']);
  });
});
