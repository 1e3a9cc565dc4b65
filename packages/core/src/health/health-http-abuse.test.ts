import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeHandles, closedWith, RawClients, statusOf } from '../../../../test/support/raw-client.js';
import { ResilienceManager } from '../manager/resilience-manager.js';
import { createHealthHandler, serveHealth, type HealthServer, type ServeHealthOptions } from './health-http.js';

const clients = new RawClients();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await clients.destroyAll();
});

const source = new ResilienceManager(`health-abuse-${process.pid}`, { env: { RAMPART_LOG_LEVEL: 'silent' } });
beforeAll(() => source.start());
afterAll(() => source.stop());

async function serve(options: ServeHealthOptions = {}): Promise<HealthServer> {
  const server = await serveHealth(source, options);
  cleanups.push(() => server.close());
  return server;
}

const QUICK = { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 200 };
const GET = 'GET /health HTTP/1.1\r\nHost: h\r\n\r\n';

describe('serveHealth under abuse', () => {
  it('closes a client that sends part of a header and nothing more (408)', async () => {
    const { url } = await serve(QUICK);
    const client = await clients.connect(url);
    client.write('GET /health HTTP/1.1\r\nHo');
    expect(await closedWith(client)).toBe(408);
  });

  it('closes a client that trickles its head a byte at a time, slower than headersTimeoutMs allows', async () => {
    const { url } = await serve(QUICK);
    const client = await clients.connect(url);
    client.trickle(`GET /health HTTP/1.1\r\nHost: h\r\nX-Pad: ${'x'.repeat(200)}\r\n\r\n`, 20);
    expect(await closedWith(client)).toBe(408);
  });

  it('answers a request trickling a body (a health check reads none) and closes it rather than read on', async () => {
    const { url } = await serve({ headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    for (const [head, status] of [['GET /health', 200], ['POST /health', 405], ['POST /other', 404]] as const) {
      const client = await clients.connect(url);
      client.write(`${head} HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n`);
      client.trickle('x'.repeat(1_000), 50);
      const answer = await client.response();
      expect(statusOf(answer)).toBe(status);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      await client.closed;
    }
  });

  it('closes an idle kept-alive connection after keepAliveTimeoutMs (node:http adds 1 s)', async () => {
    const { url } = await serve(QUICK);
    const client = await clients.connect(url);
    client.write(GET);
    expect(statusOf(await client.response())).toBe(200);
    await client.closed;
  });

  it('closes connections beyond maxConnections as they arrive, while earlier ones are served', async () => {
    const { url } = await serve({ maxConnections: 2 });
    expect(await clients.overCapOfTwo(url, GET)).toEqual({ third: '', earlier: [200, 200], newcomer: 200 });
  });

  it('still answers a normal request, over fetch and kept alive over a raw socket', async () => {
    const { url } = await serve(QUICK);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await res.json()) as { status: string }).toMatchObject({ status: 'pass' });
    const client = await clients.connect(url);
    client.write(GET);
    const first = await client.response();
    expect(statusOf(first)).toBe(200);
    expect(first).not.toMatch(/connection: close/i);
  });

  it('close() releases every socket: partial, trickling, idle kept-alive and silent ones, and leaves no handle open', async () => {
    const before = activeHandles();
    const server = await serveHealth(source, { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000 });
    const stages = await clients.atEveryStage(server.url, { partialHead: 'GET /hea', bodyHead: 'GET /health HTTP/1.1\r\nHost: h\r\n', request: GET });
    await server.close(); // resolves only once the server has no connection left
    await Promise.all(stages.map((c) => c.closed));
    // Sockets of earlier tests may still be closing: never more than before (nor more ref'd timers).
    await expect.poll(() => activeHandles().tcp <= before.tcp && activeHandles().timers <= before.timers).toBe(true);
  });

  it('rejects bad limits with a ConfigError naming the path', async () => {
    const bad = async (options: Record<string, unknown>) => serveHealth(source, options).then((s) => (cleanups.push(() => s.close()), undefined));
    const path = (p: string, value: unknown) => expect.objectContaining({ name: 'ConfigError', path: `serveHealth.options.${p}`, value });
    await expect(bad({ headersTimeoutMs: 0 })).rejects.toEqual(path('headersTimeoutMs', 0));
    await expect(bad({ requestTimeoutMs: 2 ** 31 })).rejects.toEqual(path('requestTimeoutMs', 2 ** 31));
    await expect(bad({ headersTimeoutMs: 2_000, requestTimeoutMs: 1_000 })).rejects.toEqual(path('headersTimeoutMs', 2_000));
    await expect(bad({ keepAliveTimeoutMs: null })).rejects.toEqual(path('keepAliveTimeoutMs', null));
    await expect(bad({ maxConnections: 0 })).rejects.toEqual(path('maxConnections', 0));
    await expect(bad({ maxHeaderBytes: 1.5 })).rejects.toEqual(path('maxHeaderBytes', 1.5));
  });
});

describe('createHealthHandler on a server it does not own', () => {
  it('answers a request that declares a body with connection: close, so a trickling body is not read on', async () => {
    const server = createServer(createHealthHandler(source)); // node:http defaults: 300 s to send a request
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const client = await clients.connect(url);
    client.write('GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n');
    client.trickle('x'.repeat(1_000), 50);
    const answer = await client.response();
    expect(statusOf(answer)).toBe(200);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    await client.closed;
  });
});
