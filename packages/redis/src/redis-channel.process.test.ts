// Two processes over one Redis: this one sends, a child process receives (see
// __fixtures__/channel-receiver.child.ts, run from the TypeScript sources through swc).
import { randomUUID } from 'node:crypto';
import { createMessage, MessagePriority, type ChannelMessage } from '@rampart/channels';
import { afterEach, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { cleanUp, REDIS_URL, testClient } from './__fixtures__/redis-test-env.js';
import { RedisChannel } from './redis-channel.js';
import { redisChannelKeys } from './redis-channel-keys.js';

const prefixes: string[] = [];
const channels: RedisChannel[] = [];
const processes: ChildDriver[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) p.kill();
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await cleanUp(prefixes.splice(0));
});

function namespace(): string {
  const prefix = `rampart-test:channels-process:${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
}

async function sender(keyPrefix: string): Promise<RedisChannel> {
  const c = new RedisChannel({ team: 'sender', keyPrefix, redis: REDIS_URL });
  channels.push(c);
  await c.start();
  return c;
}

/** A receiving team in a child process: see __fixtures__/channel-receiver.child.ts. */
function startReceiverProcess(keyPrefix: string, team: string, mode: 'count' | 'hang', count = 0): ChildDriver {
  return runTypeScript(new URL('./__fixtures__/channel-receiver.child.ts', import.meta.url), [keyPrefix, team, mode, String(count)]);
}

const message = (type: string, priority: ChannelMessage['priority'] = MessagePriority.NORMAL) => createMessage({ sender: 'sender', recipient: 'worker', type, priority });

// Each child compiles the sources with swc at start: allow for a slow, busy machine.
describe('RedisChannel across processes', { timeout: 60_000 }, () => {
  it('a child process receives what this one sends, in priority order, then closes and exits by itself', async () => {
    const keyPrefix = namespace();
    const a = await sender(keyPrefix);
    // Sent before the receiver runs: they wait in its inbox.
    await a.send(message('low', MessagePriority.LOW));
    await a.send(message('critical', MessagePriority.CRITICAL));
    await a.send(message('normal'));
    const child = startReceiverProcess(keyPrefix, 'worker', 'count', 5);
    processes.push(child);
    await child.line(/^ready$/);
    await child.line(/^got /, 3);
    expect(await a.getTeamStatus('worker')).toMatchObject({ status: 'online', online: true });
    // Sent while it listens: the pub/sub notification wakes it.
    await a.send(message('live-1'));
    await a.send(message('live-2'));
    const exit = await child.exited; // the test timeout guards a process that would not exit
    expect(exit.stderr).toBe('');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(child.lines).toEqual(['ready', 'got critical', 'got normal', 'got low', 'got live-1', 'got live-2', 'closed']);
    expect(await a.getTeamStatus('worker')).toMatchObject({ status: 'offline', online: false });
    expect(await testClient().exists(...Object.values(redisChannelKeys(keyPrefix, 'worker')).filter((k) => !k.includes(':status:') && !k.includes(':notify:')))).toBe(0);
  });

  it('redelivers the message a killed receiver was handling to the next receiver of the team', async () => {
    const keyPrefix = namespace();
    const a = await sender(keyPrefix);
    const crashed = startReceiverProcess(keyPrefix, 'worker', 'hang');
    processes.push(crashed);
    await crashed.line(/^ready$/);
    const m = message('in-flight');
    await a.send(m);
    await crashed.line(/^got in-flight$/);
    crashed.kill(); // SIGKILL: no close(), no acknowledgement
    expect((await crashed.exited).signal).toBe('SIGKILL');
    const keys = redisChannelKeys(keyPrefix, 'worker');
    expect(await testClient().hkeys(keys.processing)).toEqual([m.id]);

    const next = startReceiverProcess(keyPrefix, 'worker', 'count', 1);
    processes.push(next);
    const exit = await next.exited;
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(next.lines).toEqual(['ready', 'got in-flight', 'closed']);
    expect(await testClient().hlen(keys.processing)).toBe(0);
  });
});
