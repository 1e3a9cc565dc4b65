import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@rampart/core';
import { FakeClock, flushMicrotasks } from '@rampart/core/testing';
import { createMessage, FileChannel, InMemoryBus, InMemoryChannel, TeamChannels, type Channel, type TeamChannelsOptions } from '@rampart/channels';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamChannelsLike } from './team-channels-like.js';
import { instrumentTeamChannels } from './team-channels-metrics.js';

const CHECK_MS = 1_000;
const running: TeamChannels[] = [];
const disposers: Array<{ dispose(): void }> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) d.dispose();
  await Promise.all(running.splice(0).map((t) => t.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A team on `bus` with an in-memory channel, and the extra channels given. */
function team(name: string, bus: InMemoryBus, clock: FakeClock, options: Partial<TeamChannelsOptions> = {}, extra: Channel[] = []) {
  const memory = new InMemoryChannel({ team: name, bus });
  const channels = new TeamChannels({ team: name, channels: [memory, ...extra], clock, healthCheckIntervalMs: CHECK_MS, ...options });
  running.push(channels);
  return { channels, memory };
}

function instrument(...args: Parameters<typeof instrumentTeamChannels>) {
  const i = instrumentTeamChannels(...args);
  disposers.push(i);
  return i;
}

/** The sample lines (no HELP/TYPE) of the metric `name`. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

/** Poll `condition`, advancing the fake clock (file polling runs on it) and letting real I/O progress. */
async function eventually(condition: () => boolean, clock: FakeClock): Promise<void> {
  for (let i = 0; i < 5_000; i++) {
    if (condition()) return;
    await clock.tickAsync(50);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`condition not met: ${condition.toString()}`);
}

describe('instrumentTeamChannels', () => {
  it('exports per-channel state and message counters, outbox, pending requests and duplicates, read at scrape time', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const a = team('a', bus, clock);
    const b = team('b', bus, clock);
    await Promise.all([a.channels.start(), b.channels.start()]);
    const registry = new Registry();
    const typed: TeamChannelsLike = a.channels; // TeamChannels fits the structural type
    instrument(typed, { registry });
    instrument(b.channels, { registry });
    b.channels.handle('work', () => undefined);
    b.channels.handle('slow', () => new Promise<void>(() => undefined));
    b.channels.handle('boom', () => {
      throw new Error('handler broke');
    });

    expect(await lines(registry, 'rampart_channel_messages_sent_total')).toEqual([
      'rampart_channel_messages_sent_total{team="a",channel="memory"} 0',
      'rampart_channel_messages_sent_total{team="b",channel="memory"} 0',
    ]);
    await a.channels.send('b', 'work', 1);
    await a.channels.send('b', 'work', 2);
    await a.channels.send('b', 'nobody-handles-this');
    await a.channels.send('b', 'boom');
    void a.channels.request('b', 'slow', null, { timeoutMs: 600_000 }).catch(() => undefined);
    const twice = createMessage({ sender: 'a', recipient: 'b', type: 'work', payload: 'twice' });
    await a.memory.send(twice); // straight over the channel, twice: the second is a duplicate
    await a.memory.send(twice);
    await flushMicrotasks();

    expect(await lines(registry, 'rampart_channel_messages_sent_total')).toEqual([
      'rampart_channel_messages_sent_total{team="a",channel="memory"} 5',
      'rampart_channel_messages_sent_total{team="b",channel="memory"} 0',
    ]);
    expect(await lines(registry, 'rampart_channel_messages_received_total')).toEqual([
      'rampart_channel_messages_received_total{team="a",channel="memory"} 0',
      'rampart_channel_messages_received_total{team="b",channel="memory"} 7',
    ]);
    expect(await lines(registry, 'rampart_channel_send_failures_total')).toContain('rampart_channel_send_failures_total{team="a",channel="memory"} 0');
    expect(await lines(registry, 'rampart_channel_duplicates_dropped_total')).toEqual([
      'rampart_channel_duplicates_dropped_total{team="a"} 0',
      'rampart_channel_duplicates_dropped_total{team="b"} 1',
    ]);
    expect(await lines(registry, 'rampart_channel_pending_requests')).toEqual(['rampart_channel_pending_requests{team="a"} 1', 'rampart_channel_pending_requests{team="b"} 0']);
    expect(await lines(registry, 'rampart_channel_outbox_depth')).toEqual(['rampart_channel_outbox_depth{team="a"} 0', 'rampart_channel_outbox_depth{team="b"} 0']);
    expect(await lines(registry, 'rampart_channel_healthy')).toEqual(['rampart_channel_healthy{team="a",channel="memory"} 1', 'rampart_channel_healthy{team="b",channel="memory"} 1']);
    expect(await lines(registry, 'rampart_channel_active')).toEqual(['rampart_channel_active{team="a",channel="memory"} 1', 'rampart_channel_active{team="b",channel="memory"} 1']);
    expect(await lines(registry, 'rampart_channel_circuitbreaker_state')).toEqual([
      'rampart_channel_circuitbreaker_state{team="a",channel="memory",state="closed"} 1',
      'rampart_channel_circuitbreaker_state{team="a",channel="memory",state="open"} 0',
      'rampart_channel_circuitbreaker_state{team="a",channel="memory",state="half_open"} 0',
      'rampart_channel_circuitbreaker_state{team="b",channel="memory",state="closed"} 1',
      'rampart_channel_circuitbreaker_state{team="b",channel="memory",state="open"} 0',
      'rampart_channel_circuitbreaker_state{team="b",channel="memory",state="half_open"} 0',
    ]);
    expect(await lines(registry, 'rampart_channel_unhandled_total')).toEqual(['rampart_channel_unhandled_total{team="b",reason="no_handler"} 1']);
    expect(await lines(registry, 'rampart_channel_handler_errors_total')).toEqual(['rampart_channel_handler_errors_total{team="b"} 1']);
    expect(await lines(registry, 'rampart_channel_switches_total')).toEqual([]);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE rampart_channel_messages_sent_total counter');
    expect(text).toContain('# TYPE rampart_channel_healthy gauge');
  });

  it("counts failures and switches as a channel's circuit opens, shows the outbox, and the recovery", async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const a = team('a', bus, clock, { failureThreshold: 3, recoveryTimeoutMs: 2 * CHECK_MS });
    const b = team('b', bus, clock);
    await Promise.all([a.channels.start(), b.channels.start()]);
    b.channels.handle('work', () => undefined);
    const { registry } = instrument(a.channels);

    await a.memory.close(); // a's own channel breaks; its last health check still said healthy
    for (const n of [1, 2, 3]) expect(await a.channels.send('b', 'work', n)).toMatchObject({ queued: true });
    await a.channels.send('b', 'work', 'short-lived', { ttlMs: 1_500 });
    expect(await lines(registry, 'rampart_channel_send_failures_total')).toEqual(['rampart_channel_send_failures_total{team="a",channel="memory"} 3']);
    expect(await lines(registry, 'rampart_channel_circuitbreaker_state')).toContain('rampart_channel_circuitbreaker_state{team="a",channel="memory",state="open"} 1');
    expect(await lines(registry, 'rampart_channel_active')).toEqual(['rampart_channel_active{team="a",channel="memory"} 0']);
    expect(await lines(registry, 'rampart_channel_outbox_depth')).toEqual(['rampart_channel_outbox_depth{team="a"} 4']);
    expect(await lines(registry, 'rampart_channel_switches_total')).toEqual(['rampart_channel_switches_total{team="a",from="memory",to="",reason="circuit_open"} 1']);

    await clock.tickAsync(2 * CHECK_MS); // the health check sees the channel down; the ttl passes in the outbox
    await a.channels.checkHealth();
    expect(await lines(registry, 'rampart_channel_healthy')).toEqual(['rampart_channel_healthy{team="a",channel="memory"} 0']);
    expect(await lines(registry, 'rampart_channel_undeliverable_total')).toEqual(['rampart_channel_undeliverable_total{team="a",reason="expired",where="outbox"} 1']);
    expect(await lines(registry, 'rampart_channel_outbox_depth')).toEqual(['rampart_channel_outbox_depth{team="a"} 3']);

    await a.memory.start();
    await clock.tickAsync(2 * CHECK_MS);
    await a.channels.checkHealth(); // healthy again, circuit half-open: the outbox goes out
    await flushMicrotasks();
    expect(await lines(registry, 'rampart_channel_outbox_depth')).toEqual(['rampart_channel_outbox_depth{team="a"} 0']);
    expect(await lines(registry, 'rampart_channel_messages_sent_total')).toEqual(['rampart_channel_messages_sent_total{team="a",channel="memory"} 3']);
    expect(await lines(registry, 'rampart_channel_active')).toEqual(['rampart_channel_active{team="a",channel="memory"} 1']);
    expect(await lines(registry, 'rampart_channel_circuitbreaker_state')).toContain('rampart_channel_circuitbreaker_state{team="a",channel="memory",state="closed"} 1');
    expect(await lines(registry, 'rampart_channel_switches_total')).toEqual([
      'rampart_channel_switches_total{team="a",from="memory",to="",reason="circuit_open"} 1',
      'rampart_channel_switches_total{team="a",from="",to="memory",reason="recovered"} 1',
    ]);
  });

  it('follows a failover from the in-memory to the file channel', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const dir = await mkdtemp(join(tmpdir(), 'rampart-prometheus-channels-'));
    dirs.push(dir);
    // Deadlines on the fake clock must not race real file I/O while the test advances it.
    const slow = { failureThreshold: 1, healthCheckTimeoutMs: 3_600_000, sendTimeoutMs: 3_600_000 };
    const file = (name: string) => new FileChannel({ team: name, directory: dir, clock, pollIntervalMs: 100, watch: false });
    const a = team('a', bus, clock, slow, [file('a')]);
    const b = team('b', bus, clock, slow, [file('b')]);
    await Promise.all([a.channels.start(), b.channels.start()]);
    let handled = 0;
    b.channels.handle('work', () => void handled++);
    const registry = new Registry();
    instrument(a.channels, { registry });
    instrument(b.channels, { registry });
    expect(await lines(registry, 'rampart_channel_active')).toEqual([
      'rampart_channel_active{team="a",channel="memory"} 1',
      'rampart_channel_active{team="a",channel="file"} 0',
      'rampart_channel_active{team="b",channel="memory"} 1',
      'rampart_channel_active{team="b",channel="file"} 0',
    ]);

    await a.memory.close();
    expect(await a.channels.send('b', 'work', 1)).toMatchObject({ channel: 'file' });
    expect(await a.channels.send('b', 'work', 2)).toMatchObject({ channel: 'file' });
    await eventually(() => handled === 2, clock);
    expect(await lines(registry, 'rampart_channel_switches_total')).toEqual(['rampart_channel_switches_total{team="a",from="memory",to="file",reason="circuit_open"} 1']);
    const active = await lines(registry, 'rampart_channel_active');
    expect(active).toContain('rampart_channel_active{team="a",channel="memory"} 0');
    expect(active).toContain('rampart_channel_active{team="a",channel="file"} 1');
    expect(await lines(registry, 'rampart_channel_send_failures_total')).toContain('rampart_channel_send_failures_total{team="a",channel="memory"} 1');
    expect(await lines(registry, 'rampart_channel_messages_sent_total')).toEqual([
      'rampart_channel_messages_sent_total{team="a",channel="memory"} 0',
      'rampart_channel_messages_sent_total{team="a",channel="file"} 2',
      'rampart_channel_messages_sent_total{team="b",channel="memory"} 0',
      'rampart_channel_messages_sent_total{team="b",channel="file"} 0',
    ]);
    expect(await lines(registry, 'rampart_channel_messages_received_total')).toContain('rampart_channel_messages_received_total{team="b",channel="file"} 2');
  });

  it('shares a registry between teams; dispose() unsubscribes one team and the last one unregisters', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const a = team('a', bus, clock);
    const b = team('b', bus, clock);
    await Promise.all([a.channels.start(), b.channels.start()]);
    const registry = new Registry();
    const ia = instrumentTeamChannels(a.channels, { registry });
    const ib = instrument(b.channels, { registry });
    expect(ib.registry).toBe(registry);
    expect(() => instrumentTeamChannels(a.channels, { registry })).toThrow(ConfigError);

    await b.channels.send('a', 'nobody');
    await flushMicrotasks();
    ia.dispose();
    ia.dispose();
    await b.channels.send('a', 'nobody'); // a is no longer listened to
    await a.channels.send('b', 'nobody');
    await flushMicrotasks();
    expect(await lines(registry, 'rampart_channel_unhandled_total')).toEqual([
      'rampart_channel_unhandled_total{team="a",reason="no_handler"} 1',
      'rampart_channel_unhandled_total{team="b",reason="no_handler"} 1',
    ]);
    expect(await lines(registry, 'rampart_channel_healthy')).toEqual(['rampart_channel_healthy{team="b",channel="memory"} 1']);

    ib.dispose();
    await a.channels.send('b', 'nobody');
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(await registry.metrics()).not.toContain('rampart_');
    const again = instrument(a.channels, { registry }); // the names are free again
    expect(await lines(again.registry, 'rampart_channel_unhandled_total')).toEqual([]);
  });

  it('uses the prefix, and validates its arguments', async () => {
    const { channels } = team('a', new InMemoryBus(), new FakeClock());
    const { registry } = instrument(channels, { prefix: 'app_' });
    expect(await lines(registry, 'app_channel_healthy')).toEqual(['app_channel_healthy{team="a",channel="memory"} 0']); // not started
    expect(await registry.metrics()).not.toContain('rampart_');
    expect(() => instrumentTeamChannels(channels, { prefix: 'bad-prefix' })).toThrow(expect.objectContaining({ path: 'instrumentTeamChannels.options.prefix' }));
    expect(() => instrumentTeamChannels(channels, { registry: {} as Registry })).toThrow(expect.objectContaining({ path: 'instrumentTeamChannels.options.registry' }));
    expect(() => instrumentTeamChannels({} as TeamChannelsLike)).toThrow(expect.objectContaining({ path: 'instrumentTeamChannels.channels' }));
    expect(() => instrumentTeamChannels(null as unknown as TeamChannelsLike)).toThrow(ConfigError);
  });
});
