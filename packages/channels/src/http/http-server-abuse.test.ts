import { afterEach, describe, expect, it } from 'vitest';
import { activeHandles, closedWith, RawClients, statusOf } from '../../../../test/support/raw-client.js';
import { createMessage, type ChannelMessage } from '../message.js';
import { HttpChannel } from './http-channel.js';
import type { HttpChannelListenOptions, HttpChannelOptions } from './http-channel-options.js';

const clients = new RawClients();
const open: HttpChannel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await clients.destroyAll();
});

/** A started channel of team `b` whose server has the limits in `listen`, and what it received. */
async function receiver(listen: HttpChannelListenOptions, extra: Partial<HttpChannelOptions> = {}) {
  const channel = new HttpChannel({ team: 'b', listen, ...extra });
  open.push(channel);
  const got: ChannelMessage[] = [];
  channel.onMessage((m) => void got.push(m));
  await channel.start();
  return { channel, url: channel.url!, got };
}

const QUICK = { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 200 };
const POST = 'POST /rampart/v1/messages HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n';
const HEALTH = 'GET /rampart/v1/health HTTP/1.1\r\nHost: b\r\n\r\n';
const messageFor = (team: string) => JSON.stringify(createMessage({ sender: 'a', recipient: team, type: 'event', payload: { n: 1 } }));

describe('HttpChannel server under abuse', () => {
  it('closes a client that sends part of a head and nothing more, and one that sends nothing (408)', async () => {
    const { url } = await receiver(QUICK);
    const partial = await clients.connect(url);
    partial.write('POST /rampart/v1/messages HTTP/1.1\r\nHost: b\r\nContent-Le');
    const silent = await clients.connect(url);
    expect(await Promise.all([closedWith(partial), closedWith(silent)])).toEqual([408, 408]);
  });

  it('closes a client trickling a body a byte at a time, slower than requestTimeoutMs allows; the message is not taken', async () => {
    const { url, got } = await receiver(QUICK);
    const body = messageFor('b');
    const client = await clients.connect(url);
    client.write(`${POST}Content-Length: ${body.length}\r\n\r\n`);
    client.trickle(body, 50); // the whole body would take over 10 s
    expect(await closedWith(client)).toBe(408);
    expect(got).toEqual([]);
  });

  it('closes a kept-alive connection left idle, and one that starts a second request and stalls', async () => {
    const { url } = await receiver(QUICK);
    const idle = await clients.connect(url);
    idle.write(HEALTH);
    expect(statusOf(await idle.response())).toBe(200);
    const stalled = await clients.connect(url);
    stalled.write(HEALTH);
    await stalled.response();
    stalled.write('GET /rampart/v1/hea');
    await Promise.all([idle.closed, stalled.closed]);
  });

  it('answers 431 to a head over maxHeaderBytes', async () => {
    const { url } = await receiver({ maxHeaderBytes: 1_024 });
    const client = await clients.connect(url);
    client.write(`GET /rampart/v1/health HTTP/1.1\r\nHost: b\r\nX-Big: ${'x'.repeat(2_000)}\r\n\r\n`);
    expect(await closedWith(client)).toBe(431);
  });

  it('closes connections beyond maxConnections as they arrive, while earlier ones are served', async () => {
    const { url } = await receiver({ maxConnections: 2 });
    expect(await clients.overCapOfTwo(url, HEALTH)).toEqual({ third: '', earlier: [200, 200], newcomer: 200 });
  });

  it('still delivers a normal message from a peer channel, and answers a raw POST 202', async () => {
    const { url, got } = await receiver(QUICK);
    const sender = new HttpChannel({ team: 'a', peers: { b: url } });
    open.push(sender);
    await sender.start();
    const message = createMessage({ sender: 'a', recipient: 'b', type: 'event', payload: { ok: true } });
    await sender.send(message);
    const body = messageFor('b');
    expect(await clients.served(url, `${POST}Content-Length: ${body.length}\r\n\r\n${body}`)).toBe(202);
    await expect.poll(() => got.length).toBe(2);
    expect(got[0]).toEqual(message);
  });

  it('close() releases every socket: partial, trickling, idle kept-alive and silent ones, and leaves no handle open', async () => {
    const before = activeHandles();
    const { channel, url } = await receiver({ headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000 });
    const stages = await clients.atEveryStage(url, { partialHead: 'POST /rampart/v1/mess', bodyHead: POST, request: HEALTH });
    await channel.close(); // resolves only once the server has no connection left
    await Promise.all(stages.map((c) => c.closed));
    // Sockets of earlier tests may still be closing: never more than before (nor more ref'd timers).
    await expect.poll(() => activeHandles().tcp <= before.tcp && activeHandles().timers <= before.timers).toBe(true);
  });

  it('resolves the limits with defaults, and rejects bad ones with a ConfigError naming the path', () => {
    expect(new HttpChannel({ team: 'b' }).options.serverLimits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 256,
      maxHeaderBytes: 16_384,
    });
    const bad = (listen: Record<string, unknown>) => () => new HttpChannel({ team: 'b', listen });
    const path = (p: string, value: unknown) => expect.objectContaining({ name: 'ConfigError', path: `HttpChannel.listen.${p}`, value });
    expect(bad({ headersTimeoutMs: 0 })).toThrow(path('headersTimeoutMs', 0));
    expect(bad({ requestTimeoutMs: 2 ** 31 })).toThrow(path('requestTimeoutMs', 2 ** 31));
    expect(bad({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(path('headersTimeoutMs', 5_000));
    expect(bad({ keepAliveTimeoutMs: '5s' })).toThrow(path('keepAliveTimeoutMs', '5s'));
    expect(bad({ maxConnections: Infinity })).toThrow(path('maxConnections', Infinity));
    expect(bad({ maxHeaderBytes: -1 })).toThrow(path('maxHeaderBytes', -1));
  });
});
