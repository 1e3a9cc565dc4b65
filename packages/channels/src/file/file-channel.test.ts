import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, TempDirs } from '../__fixtures__/eventually.js';
import type { ChannelHandlerError } from '../channel-handler-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { createMessage, MessagePriority, type ChannelMessage } from '../message.js';
import type { DeadLetter } from './dead-letters.js';
import { FileChannel } from './file-channel.js';
import { claimedName, messageFileName } from './file-names.js';

const dirs = new TempDirs();
const open: FileChannel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await dirs.cleanUp();
});

const POLL_MS = 100;

function fileChannel(team: string, directory: string, clock: FakeClock, options: { watch?: boolean; closeTimeoutMs?: number } = {}): FileChannel {
  const c = new FileChannel({ team, directory, clock, pollIntervalMs: POLL_MS, ...options, watch: options.watch ?? false });
  open.push(c);
  return c;
}

function collect(c: FileChannel): ChannelMessage[] {
  const got: ChannelMessage[] = [];
  c.onMessage((m) => {
    got.push(m);
  });
  return got;
}

const msg = (type: string, priority: MessagePriority = MessagePriority.NORMAL, recipient = 'b') =>
  createMessage({ sender: 'a', recipient, type, priority, payload: { type } });

/** A FakeClock that also records the delay of every timer set on it. */
class DelayRecordingClock extends FakeClock {
  readonly delays: number[] = [];
  override setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    return super.setTimeout(fn, ms);
  }
}

const listing = async (dir: string) => (await readdir(dir)).sort();

describe('FileChannel', () => {
  it('carries a message from one team to another through the inbox folder', async () => {
    const dir = await dirs.make('roundtrip');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    const b = fileChannel('b', dir, clock);
    await Promise.all([a.start(), b.start()]);
    const got = collect(b);
    const sent = msg('hello');
    await a.send(sent);
    expect(await listing(join(dir, 'b', 'tmp'))).toEqual([]); // written in tmp, renamed into inbox
    const [name] = await listing(join(dir, 'b', 'inbox'));
    expect(JSON.parse(await readFile(join(dir, 'b', 'inbox', name!), 'utf8'))).toEqual(sent);
    await eventually(() => got.length === 1, { clock, tickMs: POLL_MS });
    expect(got[0]).toEqual(sent);
    await eventually(async () => (await listing(join(dir, 'b', 'processing'))).length === 0);
    expect(await listing(join(dir, 'b', 'inbox'))).toEqual([]);
  });

  it('keeps messages for a recipient that is not running, then delivers them in priority order', async () => {
    const dir = await dirs.make('order');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    await a.start();
    for (const [type, p] of [['low', 1], ['normal-1', 2], ['critical', 4], ['normal-2', 2], ['high', 3]] as const) await a.send(msg(type, p));
    const b = fileChannel('b', dir, clock);
    const got = collect(b);
    await b.start();
    await eventually(() => got.length === 5, { clock, tickMs: POLL_MS });
    expect(got.map((m) => m.type)).toEqual(['critical', 'high', 'normal-1', 'normal-2', 'low']);
  });

  it('moves an invalid file to dead/ with its reason, and reports it', async () => {
    const dir = await dirs.make('dead');
    const clock = new FakeClock();
    const b = fileChannel('b', dir, clock);
    const dead: DeadLetter[] = [];
    b.onDeadLetter((d) => dead.push(d));
    const got = collect(b);
    await b.start();
    const inbox = join(dir, 'b', 'inbox');
    const wrong = msg('for-c', MessagePriority.NORMAL, 'c');
    await writeFile(join(inbox, '2-0000000000000001-0000000000-json.msg'), '{ not json');
    await writeFile(join(inbox, '2-0000000000000002-0000000000-schema.msg'), JSON.stringify({ ...msg('x'), priority: 9 }));
    await writeFile(join(inbox, '2-0000000000000003-0000000000-wrong.msg'), JSON.stringify(wrong));
    await writeFile(join(inbox, '2-0000000000000004-0000000000-good.msg'), JSON.stringify(msg('good')));
    await eventually(() => dead.length === 3 && got.length === 1, { clock, tickMs: POLL_MS });
    expect(dead.map((d) => d.reason)).toEqual(['invalid_json', 'invalid_message', 'wrong_recipient']);
    expect(dead[1]!.detail).toMatch(/priority/);
    expect(dead[2]).toMatchObject({ messageId: wrong.id, detail: 'addressed to "c"' });
    const deadFiles = await listing(join(dir, 'b', 'dead'));
    expect(deadFiles).toHaveLength(6);
    const reason = JSON.parse(await readFile(`${dead[0]!.file}.reason.json`, 'utf8')) as { reason: string };
    expect(reason.reason).toBe('invalid_json');
    expect(got.map((m) => m.type)).toEqual(['good']);
  });

  it('moves a message whose handler throws to dead/ as handler_failed', async () => {
    const dir = await dirs.make('handler');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    const b = fileChannel('b', dir, clock);
    await Promise.all([a.start(), b.start()]);
    const dead: DeadLetter[] = [];
    const errors: ChannelHandlerError[] = [];
    b.onDeadLetter((d) => dead.push(d));
    b.onHandlerError((e) => errors.push(e));
    b.onMessage(() => {
      throw new Error('cannot handle postgres://app:hunter2@db/x');
    });
    const sent = msg('boom');
    await a.send(sent);
    await eventually(() => dead.length === 1, { clock, tickMs: POLL_MS });
    expect(dead[0]).toMatchObject({ reason: 'handler_failed', messageId: sent.id });
    expect(dead[0]!.detail).not.toContain('hunter2');
    expect(errors.map((e) => e.message.id)).toEqual([sent.id]);
  });

  it('redelivers, at start(), files claimed by a process that is gone (at least once)', async () => {
    const dir = await dirs.make('recover');
    const processing = join(dir, 'b', 'processing');
    await mkdir(processing, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // has exited
    const orphan = msg('orphan');
    const stale = msg('stale-instance');
    const held = msg('held');
    await writeFile(join(processing, claimedName(messageFileName(orphan, 1), { pid: gone, token: 'aa' })), JSON.stringify(orphan));
    // this process, but a channel instance that no longer exists
    await writeFile(join(processing, claimedName(messageFileName(stale, 2), { pid: process.pid, token: 'bb' })), JSON.stringify(stale));
    // a live process (our parent) still holds this one: left alone
    const heldName = claimedName(messageFileName(held, 3), { pid: process.ppid, token: 'cc' });
    await writeFile(join(processing, heldName), JSON.stringify(held));
    const clock = new FakeClock();
    const b = fileChannel('b', dir, clock);
    const got = collect(b);
    await b.start();
    await eventually(() => got.length === 2, { clock, tickMs: POLL_MS });
    expect(got.map((m) => m.type).sort()).toEqual(['orphan', 'stale-instance']);
    await eventually(async () => (await listing(processing)).length === 1);
    expect(await listing(processing)).toEqual([heldName]);
  });

  it('two receivers of one team never both take a message', async () => {
    const dir = await dirs.make('compete');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    const b1 = fileChannel('b', dir, clock, { watch: true });
    const b2 = fileChannel('b', dir, clock, { watch: true });
    await Promise.all([a.start(), b1.start(), b2.start()]);
    const all: Array<[string, string]> = [];
    b1.onMessage((m) => void all.push(['b1', m.type]));
    b2.onMessage((m) => void all.push(['b2', m.type]));
    const sent = Array.from({ length: 40 }, (_, i) => msg(`m${i}`));
    await Promise.all(sent.map((m) => a.send(m)));
    await eventually(() => all.length >= 40, { clock, tickMs: POLL_MS });
    await eventually(async () => (await listing(join(dir, 'b', 'processing'))).length === 0);
    expect(all.map(([, t]) => t).sort()).toEqual(sent.map((m) => m.type).sort());
  });

  it('healthCheck writes a probe and reports the inbox depth; unhealthy when the folder is not writable', async () => {
    const dir = await dirs.make('health');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    const b = fileChannel('b', dir, clock);
    expect(await b.healthCheck()).toMatchObject({ healthy: false, error: 'not started' });
    await Promise.all([a.start(), b.start()]);
    await a.send(msg('one'));
    await a.send(msg('two'));
    expect(await b.healthCheck()).toMatchObject({ healthy: true, details: { inbox: 2, processing: 0, dead: 0 } });
    expect(await listing(join(dir, 'b', 'tmp'))).toEqual([]); // the probe was deleted
    await rm(join(dir, 'b'), { recursive: true });
    await writeFile(join(dir, 'b'), 'not a folder');
    const broken = await b.healthCheck();
    expect(broken.healthy).toBe(false);
    expect(broken.error).toMatch(/EEXIST|ENOTDIR/);
  });

  it('send and receive need start(); close() leaves no timer behind', async () => {
    const dir = await dirs.make('closed');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    await expect(a.send(msg('x'))).rejects.toBeInstanceOf(ChannelClosedError);
    collect(a);
    await a.start();
    await eventually(() => clock.pendingTimers === 1); // the next poll
    await a.close();
    expect(clock.pendingTimers).toBe(0);
    await expect(a.send(msg('x'))).rejects.toMatchObject({ kind: 'file', team: 'a' });
  });

  it('close() waits for running handlers to settle and delete their files', async () => {
    const dir = await dirs.make('close-wait');
    const clock = new DelayRecordingClock();
    const a = fileChannel('a', dir, clock);
    const b = fileChannel('b', dir, clock);
    await Promise.all([a.start(), b.start()]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    b.onMessage(async (m) => {
      started.push(m.type);
      await gate;
    });
    await Promise.all([a.send(msg('one')), a.send(msg('two'))]);
    await eventually(() => started.length === 2, { clock, tickMs: POLL_MS });
    let closed = false;
    const closing = b.close().then(() => (closed = true));
    await eventually(() => closed || clock.delays.includes(5_000)); // close() is waiting (on its default timeout)
    expect(closed).toBe(false); // the clock has not moved: only the handlers settling can end close()
    expect(await listing(join(dir, 'b', 'processing'))).toHaveLength(2);
    release();
    await closing;
    expect(await listing(join(dir, 'b', 'processing'))).toEqual([]); // a stopped team leaves no handled files behind
    expect(clock.pendingTimers).toBe(0);
  });

  it('close() stops waiting for a handler that never settles after closeTimeoutMs on the clock; its file stays claimed', async () => {
    const dir = await dirs.make('close-timeout');
    const clock = new FakeClock();
    const a = fileChannel('a', dir, clock);
    const b = fileChannel('b', dir, clock, { closeTimeoutMs: 1_000 });
    await Promise.all([a.start(), b.start()]);
    let started = 0;
    b.onMessage(() => {
      started++;
      return new Promise<void>(() => undefined);
    });
    await a.send(msg('stuck'));
    await eventually(() => started === 1, { clock, tickMs: POLL_MS });
    const closingAt = clock.now();
    let closed = false;
    void b.close().then(() => (closed = true));
    await eventually(() => closed, { clock, tickMs: POLL_MS });
    expect(clock.now() - closingAt).toBeGreaterThanOrEqual(1_000);
    expect(clock.pendingTimers).toBe(0);
    expect(await listing(join(dir, 'b', 'processing'))).toHaveLength(1); // not handled: not deleted, and not recovered while ours
    const again = fileChannel('b', dir, clock);
    const got = collect(again);
    await again.start();
    await clock.tickAsync(POLL_MS * 3);
    expect(got).toEqual([]);
  });

  it('validates its options with ConfigError naming the path', () => {
    expect(() => new FileChannel({ team: 'a', directory: '' })).toThrow(expect.objectContaining({ path: 'FileChannel.directory' }));
    expect(() => new FileChannel({ team: 'a/b', directory: '/tmp' })).toThrow(expect.objectContaining({ path: 'FileChannel.team' }));
    expect(() => new FileChannel({ team: 'a', directory: '/tmp', pollIntervalMs: -1 })).toThrow(ConfigError);
    expect(() => new FileChannel({ team: 'a', directory: '/tmp', closeTimeoutMs: -5 })).toThrow(
      expect.objectContaining({ path: 'FileChannel.closeTimeoutMs', value: -5 }),
    );
    expect(new FileChannel({ team: 'a', directory: '/tmp' }).options).toMatchObject({ closeTimeoutMs: 5_000 });
    expect(() => new FileChannel({ team: 'a', directory: '/tmp', watch: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ path: 'FileChannel.watch' }),
    );
  });
});
