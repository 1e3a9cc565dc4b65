import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyError, RampartError } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSendError } from '../errors/http-send-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { RecipientUnavailableError } from '../errors/recipient-unavailable-error.js';
import { createMessage, MessagePriority, type ChannelMessage } from '../message.js';
import { HttpChannel } from './http-channel.js';
import type { HttpChannelOptions } from './http-channel-options.js';

const TOKEN = 'tok-3f9a1c7e5b2d4086';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function channel(options: HttpChannelOptions): HttpChannel {
  const c = new HttpChannel(options);
  open.push(c);
  return c;
}

/** Resolves when `predicate` holds (checked on every macrotask turn). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

/** A received-message log and a handler that fills it. */
function inbox() {
  const got: ChannelMessage[] = [];
  return { got, handler: (m: ChannelMessage) => void got.push(m) };
}

/** Started channel of team `team`. */
async function startedChannel(options: HttpChannelOptions): Promise<HttpChannel> {
  const c = channel(options);
  await c.start();
  return c;
}

/** Team `b` listening, and team `a` that knows b's URL. */
async function pair(extra: Partial<HttpChannelOptions> = {}) {
  const b = channel({ team: 'b', ...extra });
  const received = inbox();
  b.onMessage(received.handler);
  await b.start();
  const a = await startedChannel({ team: 'a', peers: { b: b.url! }, ...extra });
  return { a, b, received };
}

/** A server that accepts connections and never answers (until closed). */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('HttpChannel', () => {
  it('delivers messages to the recipient team in the order they were sent, with the token', async () => {
    const { a, b, received } = await pair({ token: TOKEN });
    const sent = [1, 2, 3, 4].map((n) => createMessage({ sender: 'a', recipient: 'b', type: 'command', payload: { n }, priority: MessagePriority.HIGH }));
    for (const m of sent) await a.send(m);
    await until(() => received.got.length === 4);
    expect(received.got).toEqual(sent);
    expect(b.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b.kind).toBe('http');
    expect(b.team).toBe('b');
  });

  it('answers 202 once the handler has started, without waiting for it; accepted messages are all handled, in order', async () => {
    const b = channel({ team: 'b' });
    const started: number[] = [];
    const finished: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    b.onMessage(async (m) => {
      const n = (m.payload as { n: number }).n;
      started.push(n);
      await gate;
      finished.push(n);
    });
    await b.start();
    const a = await startedChannel({ team: 'a', peers: (team) => (team === 'b' ? b.url : undefined) });
    await a.send(createMessage({ sender: 'a', recipient: 'b', type: 't', payload: { n: 1 } }));
    expect(started).toEqual([1]); // 202 came after the handler started
    await a.send(createMessage({ sender: 'a', recipient: 'b', type: 't', payload: { n: 2 } }));
    await a.send(createMessage({ sender: 'a', recipient: 'b', type: 't', payload: { n: 3 } }));
    expect(finished).toEqual([]);
    expect(b.queuedMessages).toBe(2);
    release();
    await until(() => finished.length === 3);
    expect(started).toEqual([1, 2, 3]);
    expect(finished).toEqual([1, 2, 3]);
  });

  it('reports handler failures on onHandlerError and keeps delivering; one handler per channel; a released handler gets what was accepted', async () => {
    const b = channel({ team: 'b' });
    const errors: Array<[string, string, string]> = [];
    b.onHandlerError((e) => errors.push([e.kind, (e.error as Error).message, e.message.id]));
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const registration = b.onMessage(async (m) => {
      await gate;
      if (m.type === 'boom') throw new Error('handler broke');
      handled.push(m.id);
    });
    expect(() => b.onMessage(() => undefined)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'HttpChannel.onMessage' }));
    await b.start();
    const a = await startedChannel({ team: 'a', peers: { b: b.url! } });
    const boom = createMessage({ sender: 'a', recipient: 'b', type: 'boom' });
    const fine = createMessage({ sender: 'a', recipient: 'b', type: 't' });
    for (const m of [boom, fine]) await a.send(m);
    registration.dispose();
    // No handler now: the server refuses new messages (503), so the sender can fail over.
    await expect(a.send(createMessage({ sender: 'a', recipient: 'b', type: 't' }))).rejects.toMatchObject({ status: 503 });
    release();
    await until(() => handled.length === 1);
    expect(handled).toEqual([fine.id]);
    expect(errors).toEqual([['http', 'handler broke', boom.id]]);
    const next = inbox();
    b.onMessage(next.handler); // a new handler may register once the old one is released
    await a.send(fine);
    await until(() => next.got.length === 1);
  });

  it('answers invalid requests with 400 naming the field, 401, 404, 405, 413 and 503', async () => {
    const b = channel({ team: 'b', token: TOKEN, maxBodyBytes: 2_048 });
    await b.start();
    const url = `${b.url}/rampart/v1/messages`;
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const post = async (body: string, headers: Record<string, string> = auth) => {
      const res = await fetch(url, { method: 'POST', headers, body });
      return { status: res.status, headers: res.headers, body: (await res.json()) as { error: string; field?: string } };
    };
    const good = createMessage({ sender: 'a', recipient: 'b', type: 't' });

    expect((await post(JSON.stringify(good))).status).toBe(503); // no handler registered yet
    const received = inbox();
    b.onMessage(received.handler);

    expect(await post('{not json')).toMatchObject({ status: 400, body: { error: 'body is not JSON' } });
    const { priority: _p, ...noPriority } = good;
    expect(await post(JSON.stringify(noPriority))).toMatchObject({ status: 400, body: { field: 'priority', error: expect.stringMatching(/^priority: /) } });
    expect(await post(JSON.stringify({ ...good, sender: 'no spaces allowed' }))).toMatchObject({ status: 400, body: { field: 'sender' } });
    expect(await post(JSON.stringify({ ...good, extra: 1 }))).toMatchObject({ status: 400, body: { field: 'extra' } });
    expect(await post(JSON.stringify({ ...good, recipient: 'c' }))).toMatchObject({ status: 400, body: { field: 'recipient' } });

    const noToken = await post(JSON.stringify(good), { 'content-type': 'application/json' });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(JSON.stringify(good), { ...auth, authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post(JSON.stringify(good), { ...auth, authorization: TOKEN })).status).toBe(401);

    const big = JSON.stringify({ ...good, payload: 'x'.repeat(4_000) });
    expect((await post(big)).status).toBe(413);
    // Without a content-length (a streamed body), the limit is counted while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1_000)));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', headers: auth, body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);

    expect((await fetch(`${b.url}/elsewhere`)).status).toBe(404);
    const get = await fetch(url);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);

    expect(received.got).toEqual([]);
    expect((await post(JSON.stringify(good))).status).toBe(202);
    await until(() => received.got.length === 1);
  });

  it('serves GET /rampart/v1/health as application/health+json, without the token', async () => {
    const { b } = await pair({ token: TOKEN });
    const res = await fetch(`${b.url}/rampart/v1/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/health+json');
    expect(await res.json()).toEqual({ team: 'b', status: 'pass' });
  });

  it('rejects sends with typed errors carrying the status, a redacted URL and never the token', async () => {
    const b = channel({ team: 'b', token: 'the-right-token' });
    b.onMessage(() => undefined);
    await b.start();
    const a = await startedChannel({ team: 'a', token: TOKEN, peers: { b: `${b.url}/?api_key=hunter2` } });
    const m = createMessage({ sender: 'a', recipient: 'b', type: 't' });
    const err = await a.send(m).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSendError);
    expect(RampartError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ reason: 'status', status: 401, recipient: 'b', peerError: 'missing or wrong bearer token' });
    const e = err as HttpSendError;
    expect(e.url).toBe(`${b.url}/rampart/v1/messages?api_key=***`);
    expect(classifyError(e)).toEqual({ kind: 'permanent', scope: 'provider' });
    const text = `${e.message} ${e.stack} ${JSON.stringify(e)}`;
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('hunter2');

    const unknown = await a.send(createMessage({ sender: 'a', recipient: 'zz', type: 't' })).catch((x: unknown) => x);
    expect(unknown).toBeInstanceOf(RecipientUnavailableError);
    expect(unknown).toMatchObject({ kind: 'http', recipient: 'zz', reason: 'not_open' });
  });

  it('rejects with a network error when the peer is down, a 503 with its Retry-After, and a bad URL from a resolver', async () => {
    const gone = await silentServer();
    const goneUrl = gone.url;
    await new Promise<void>((resolve) => gone.server.close(() => resolve()));
    const b = channel({ team: 'b' }); // no handler: 503
    await b.start();
    const a = await startedChannel({ team: 'a', peers: (t) => ({ b: b.url, down: goneUrl, bad: 'http://u:pw@host' })[t] });
    const down = await a.send(createMessage({ sender: 'a', recipient: 'down', type: 't' })).catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'HttpSendError', reason: 'network', status: undefined });
    expect((down as Error).message).toContain('ECONNREFUSED');
    expect(classifyError(down)).toEqual({ kind: 'transient' });

    const busy = await a.send(createMessage({ sender: 'a', recipient: 'b', type: 't' })).catch((e: unknown) => e);
    expect(busy).toMatchObject({ reason: 'status', status: 503, retryAfterMs: 1_000 });
    expect(classifyError(busy)).toEqual({ kind: 'transient', retryAfterMs: 1_000 });

    const bad = await a.send(createMessage({ sender: 'a', recipient: 'bad', type: 't' })).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'ConfigError', path: 'HttpChannel.peers(bad)', value: 'http://***:***@host/' });
    expect(`${(bad as Error).message} ${JSON.stringify(bad)}`).not.toContain('pw');
  });

  it('times out on the clock, follows the caller signal, and close() aborts sends in flight', async () => {
    const silent = await silentServer();
    const clock = new FakeClock();
    const a = await startedChannel({ team: 'a', peers: { s: silent.url }, timeoutMs: 3_000, clock });
    const m = createMessage({ sender: 'a', recipient: 's', type: 't' });
    let connections = 0;
    silent.server.on('request', () => connections++);

    const timedOut = a.send(m).catch((e: unknown) => e);
    await until(() => connections === 1);
    clock.tick(2_999);
    clock.tick(2); // core's deadlines fire at most 1 ms late, never early
    const t = await timedOut;
    expect(t).toMatchObject({ name: 'HttpSendError', reason: 'timeout' });
    expect(classifyError(t)).toEqual({ kind: 'timeout' });

    const caller = new AbortController();
    const cancelled = a.send(m, { signal: caller.signal }).catch((e: unknown) => e);
    await until(() => connections === 2);
    const reason = new Error('caller gave up');
    caller.abort(reason);
    expect(await cancelled).toBe(reason);

    const inFlight = a.send(m).catch((e: unknown) => e);
    await until(() => connections === 3);
    await a.close();
    expect(await inFlight).toBeInstanceOf(ChannelClosedError);
    clock.tick(1); // the deadline scheduler's last epoch closes (≤ 1 ms)
    expect(clock.pendingTimers).toBe(0);
    await expect(a.send(m)).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('healthCheck probes its own server; peerHealth probes a peer; neither throws', async () => {
    const { a, b } = await pair({ token: TOKEN });
    const idle = channel({ team: 'idle' });
    expect(await idle.healthCheck()).toMatchObject({ healthy: false, error: 'not started' });
    await expect(idle.send(createMessage({ sender: 'idle', recipient: 'b', type: 't' }))).rejects.toBeInstanceOf(ChannelClosedError);
    expect(await a.peerHealth('b')).toMatchObject({ healthy: true, latencyMs: expect.any(Number) });
    expect(await a.peerHealth('nobody')).toMatchObject({ healthy: false, error: expect.stringContaining('nobody') });
    const health = await b.healthCheck();
    expect(health).toMatchObject({ healthy: true, details: { team: 'b', url: b.url, queuedMessages: 0, receiving: true, tokenRequired: true } });
    expect(JSON.stringify(health)).not.toContain(TOKEN);
    await b.close();
    expect(await b.healthCheck()).toMatchObject({ healthy: false, error: 'closed' });
    // refused, or the kept-alive socket the server just closed (whichever the client meets first)
    expect(await a.peerHealth('b')).toMatchObject({ healthy: false, error: expect.stringMatching(/network error (ECONNREFUSED|UND_ERR_SOCKET)/) });
  });

  it('close() stops the server, drops kept-alive connections, delivers what it accepted, and leaves no handle open', async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const before = tcp();
    const b = channel({ team: 'b' });
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    b.onMessage(async (m) => {
      await gate;
      handled.push((m.payload as { n: number }).n);
    });
    await b.start();
    const a = await startedChannel({ team: 'a', peers: { b: b.url! } });
    for (const n of [1, 2, 3]) await a.send(createMessage({ sender: 'a', recipient: 'b', type: 't', payload: { n } }));
    expect(tcp()).toBeGreaterThan(before); // the server, and the kept-alive connection to it
    const closing = b.close();
    release();
    await closing;
    expect(handled).toEqual([1, 2, 3]);
    await expect(fetch(`${b.url}/rampart/v1/health`)).rejects.toThrow();
    await a.close();
    await until(() => tcp() <= before); // sockets of earlier tests may still be closing: never more than before
    await b.close(); // idempotent
    await expect(b.start()).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('validates options with ConfigError naming the path, never showing the token or a URL password', () => {
    const bad = (options: unknown) => {
      try {
        new HttpChannel(options as HttpChannelOptions);
      } catch (e) {
        return e as { name: string; path: string; value: unknown; message: string };
      }
      throw new Error('expected a ConfigError');
    };
    expect(bad({ team: 'has space' })).toMatchObject({ name: 'ConfigError', path: 'HttpChannel.team', value: 'has space' });
    expect(bad({ team: 'a', timeoutMs: 0 })).toMatchObject({ path: 'HttpChannel.timeoutMs', value: 0 });
    expect(bad({ team: 'a', maxBodyBytes: 1.5 })).toMatchObject({ path: 'HttpChannel.maxBodyBytes' });
    expect(bad({ team: 'a', listen: { port: 70_000 } })).toMatchObject({ path: 'HttpChannel.listen.port', value: 70_000 });
    expect(bad({ team: 'a', peers: { b: 'http://u:hunter2@host:1' } })).toMatchObject({ path: 'HttpChannel.peers.b', value: 'http://***:***@host:1/' });
    expect(bad({ team: 'a', peers: { b: 'not a url' } })).toMatchObject({ path: 'HttpChannel.peers.b' });
    expect(bad({ team: 'a', peers: ['http://x'] })).toMatchObject({ path: 'HttpChannel.peers' });
    const token = bad({ team: 'a', token: 'has a space' });
    expect(token).toMatchObject({ path: 'HttpChannel.token', value: '[redacted]' });
    expect(token.message).not.toContain('has a space');
    expect(bad({ team: 'a', clock: {} })).toMatchObject({ path: 'HttpChannel.clock' });
    const ok = new HttpChannel({ team: 'a', token: TOKEN });
    expect(Object.isFrozen(ok.options)).toBe(true);
    expect(ok.options).toMatchObject({ host: '127.0.0.1', port: 0, timeoutMs: 10_000, maxBodyBytes: 1_048_576, tokenRequired: true });
    expect(JSON.stringify(ok.options)).not.toContain(TOKEN);
  });
});
