// Real child processes: one team per process, talking through a FileChannel folder; and an outbox
// in a FileStore that survives SIGKILL.
import { readdir } from 'node:fs/promises';
import { FileStore } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../../test/support/child-process.js';
import { eventually, TempDirs } from '../__fixtures__/eventually.js';
import { FileChannel } from '../file/file-channel.js';
import { InMemoryBus } from '../memory/in-memory-bus.js';
import { InMemoryChannel } from '../memory/in-memory-channel.js';
import type { ChannelMessage } from '../message.js';
import { TeamChannels } from './team-channels.js';

const dirs = new TempDirs();
const running: TeamChannels[] = [];
const children: ChildDriver[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(running.splice(0).map((t) => t.stop()));
  await dirs.cleanUp();
});

/** Run a fixture of ../__fixtures__ in a child `node` (sources compiled on load by swc). */
function runFixture(fixture: string, args: string[]): ChildDriver {
  return runTypeScript(new URL(`../__fixtures__/${fixture}`, import.meta.url), args);
}

describe('across processes', () => {
  it('a team in another process receives, answers over files, and its process exits by itself after stop()', { timeout: 60_000 }, async () => {
    const dir = await dirs.make('xproc');
    const boss = new TeamChannels({ team: 'boss', channels: [new FileChannel({ team: 'boss', directory: dir, pollIntervalMs: 20 })] });
    running.push(boss);
    const hellos: ChannelMessage[] = [];
    boss.handle('hello', (m) => void hellos.push(m));
    await boss.start();

    const child = runFixture('file-worker.child.ts', [dir, 'worker']);
    children.push(child);
    expect(await child.line(/^ready /)).toBe('ready file');
    const reply = await boss.request<{ pid: number; payload: unknown }>('worker', 'echo', { n: 1 }, { timeoutMs: 60_000 });
    expect(reply.payload).toEqual({ n: 1 });
    expect(reply.pid).not.toBe(process.pid);
    await eventually(() => hellos.length === 1);
    expect(hellos[0]).toMatchObject({ sender: 'worker', payload: { from: 'worker' } });

    await boss.send('worker', 'shutdown');
    const exit = await child.exited;
    expect(exit.stderr).toBe('');
    expect(child.lines.at(-1)).toBe('stopped');
    expect(exit).toMatchObject({ code: 0, signal: null });
  });

  it('a message waiting in a FileStore outbox survives SIGKILL and is delivered after a restart', { timeout: 60_000 }, async () => {
    const storeDir = await dirs.make('outbox');
    const child = runFixture('outbox-sender.child.ts', [storeDir]);
    children.push(child);
    const line = await child.line(/^queued=/);
    const [queued, id] = line.slice('queued='.length).split(' ') as [string, string];
    expect(queued).toBe('true');
    child.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    const bus = new InMemoryBus();
    const receiver = new TeamChannels({ team: 'receiver', channels: [new InMemoryChannel({ team: 'receiver', bus })] });
    const sender = new TeamChannels({ team: 'sender', channels: [new InMemoryChannel({ team: 'sender', bus })], outbox: new FileStore(storeDir) });
    running.push(receiver, sender);
    const got: ChannelMessage[] = [];
    receiver.handle('work', (m) => void got.push(m));
    await receiver.start();
    expect((await readdir(storeDir)).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    await sender.start(); // resends the persisted outbox
    await eventually(() => got.length === 1);
    expect(got[0]).toMatchObject({ id, sender: 'sender', recipient: 'receiver', priority: 3, payload: { task: 'survive a crash' }, attempts: 2 });
    expect(sender.getHealth().outboxDepth).toBe(0);
    expect((await readdir(storeDir)).filter((f) => f.endsWith('.json'))).toEqual([]);
  });
});
