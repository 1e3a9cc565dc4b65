import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { startLoopbackDns, type LoopbackDns } from './__fixtures__/dns-server.js';
import { NetworkMonitor } from './network-monitor.js';

const sockets = new Set<net.Socket>();
const track = (s: net.Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
};
let httpServer: http.Server;
let silentServer: net.Server;
let tcpServer: net.Server;
let dns: LoopbackDns;
let base: string;
let silentPort: number;
let tcpPort: number;
let closedPort: number;
const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders }> = [];
const held: Array<(res: http.ServerResponse) => void> = [];

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}
const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

beforeAll(async () => {
  httpServer = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const code = Number(/^\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
    if (req.url === '/hold') {
      const waiter = held.shift();
      if (waiter) waiter(res);
      return;
    }
    res.writeHead(code, { 'content-type': 'text/plain' }).end('x'.repeat(1000));
  });
  httpServer.on('connection', track);
  base = `http://127.0.0.1:${await listen(httpServer)}`;
  silentServer = net.createServer(track); // accepts, never answers
  silentPort = await listen(silentServer);
  tcpServer = net.createServer((s) => s.end());
  tcpPort = await listen(tcpServer);
  const closed = net.createServer();
  closedPort = await listen(closed);
  await close(closed);
  dns = await startLoopbackDns({ 'api.rampart.test': '127.0.0.1' });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([close(httpServer), close(silentServer), close(tcpServer), dns.close()]);
});

const signal = () => new AbortController().signal;
const nextHeld = () => new Promise<http.ServerResponse>((resolve) => held.push(resolve));

describe('NetworkMonitor over HTTP', () => {
  it('is healthy on a fast 2xx and reports latency and status', async () => {
    const m = new NetworkMonitor({ name: 'api', url: `${base}/health` });
    expect(m.resourceType).toBe(ResourceType.NETWORK);
    const r = await m.check(signal());
    expect(r.status).toBe(ResourceStatus.HEALTHY);
    expect(r.details).toMatchObject({ target: `${base}/health`, protocol: 'http', statusCode: 200 });
    expect(r.details?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.details?.reason).toBeUndefined();
  });

  it('maps 5xx to critical http_status, 429 to degraded, 4xx to up', async () => {
    const check = (code: number) => new NetworkMonitor({ name: 'api', url: `${base}/status/${code}` }).check(signal());
    expect(await check(503)).toMatchObject({ status: ResourceStatus.CRITICAL, details: { reason: 'http_status', statusCode: 503 } });
    expect(await check(429)).toMatchObject({ status: ResourceStatus.DEGRADED, details: { reason: 'http_status' } });
    expect((await check(404)).status).toBe(ResourceStatus.HEALTHY);
  });

  it('honours expectStatus', async () => {
    const m = (code: number) => new NetworkMonitor({ name: 'api', url: `${base}/status/${code}` }, { expectStatus: [200, 204] });
    expect((await m(204).check(signal())).status).toBe(ResourceStatus.HEALTHY);
    expect(await m(404).check(signal())).toMatchObject({ status: ResourceStatus.CRITICAL, details: { reason: 'http_status', statusCode: 404 } });
  });

  it('sends the configured method and headers', async () => {
    await new NetworkMonitor({ name: 'api', url: `${base}/m` }, { method: 'HEAD', headers: { authorization: 'Bearer t0k' } }).check(signal());
    const req = seen.findLast((s) => s.url === '/m');
    expect(req?.method).toBe('HEAD');
    expect(req?.headers.authorization).toBe('Bearer t0k');
  });

  it('is degraded (slow) above latencyDegradedMs and critical above latencyCriticalMs, by the clock', async () => {
    for (const [waitMs, status] of [[600, ResourceStatus.DEGRADED], [1500, ResourceStatus.CRITICAL]] as const) {
      const clock = new FakeClock();
      const m = new NetworkMonitor({ name: 'api', url: `${base}/hold` }, { clock, latencyDegradedMs: 500, latencyCriticalMs: 1000 });
      const responding = nextHeld();
      const result = m.check(signal());
      const res = await responding;
      clock.tick(waitMs);
      res.end('late');
      expect(await result).toMatchObject({ status, details: { reason: 'slow', latencyMs: waitMs, statusCode: 200 } });
    }
  });

  it('reports a server that never answers as unavailable (timeout)', async () => {
    const r = await new NetworkMonitor({ name: 'api', url: `http://127.0.0.1:${silentPort}/` }, { timeoutMs: 50 }).check(signal());
    expect(r).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reason: 'timeout' } });
    expect(r.details?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a closed port as unavailable (refused)', async () => {
    const r = await new NetworkMonitor({ name: 'api', url: `http://127.0.0.1:${closedPort}/` }).check(signal());
    expect(r).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reason: 'refused', code: 'ECONNREFUSED' } });
  });

  it('reports a TLS handshake failure as unavailable (tls)', async () => {
    const r = await new NetworkMonitor({ name: 'api', url: base.replace('http:', 'https:') }).check(signal());
    expect(r).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reason: 'tls', protocol: 'https' } });
  });

  it('resolves names through the lookup option: NXDOMAIN is unavailable (dns)', async () => {
    const port = new URL(base).port;
    const ok = await new NetworkMonitor({ name: 'api', url: `http://api.rampart.test:${port}/` }, { lookup: dns.lookup }).check(signal());
    expect(ok.status).toBe(ResourceStatus.HEALTHY);
    const missing = await new NetworkMonitor({ name: 'api', url: `http://nowhere.invalid:${port}/` }, { lookup: dns.lookup }).check(signal());
    expect(missing).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reason: 'dns', code: 'ENOTFOUND' } });
  });

  it('never reports credentials from the URL', async () => {
    const url = `http://bob:hunter2@127.0.0.1:${new URL(base).port}/health?api_key=sk-secret&page=1`;
    const m = new NetworkMonitor({ name: 'api', url });
    const r = await m.check(signal());
    expect(r.status).toBe(ResourceStatus.HEALTHY);
    expect(m.target).toBe(`http://***:***@127.0.0.1:${new URL(base).port}/health?api_key=***&page=1`);
    expect(JSON.stringify(r)).not.toMatch(/hunter2|sk-secret|bob/);
    const refused = await new NetworkMonitor({ name: 'api', url: url.replace(new URL(base).port, String(closedPort)) }).check(signal());
    expect(JSON.stringify(refused)).not.toMatch(/hunter2|sk-secret|bob/);
  });
});

describe('NetworkMonitor over TCP', () => {
  it('is healthy when the port accepts a connection', async () => {
    const r = await new NetworkMonitor({ name: 'db', host: '127.0.0.1', port: tcpPort }).check(signal());
    expect(r).toMatchObject({ status: ResourceStatus.HEALTHY, details: { target: `127.0.0.1:${tcpPort}`, protocol: 'tcp' } });
  });

  it('maps refused and DNS failures', async () => {
    const refused = await new NetworkMonitor({ name: 'db', host: '127.0.0.1', port: closedPort }).check(signal());
    expect(refused.details).toMatchObject({ reason: 'refused' });
    const missing = await new NetworkMonitor({ name: 'db', host: 'db.invalid', port: tcpPort }, { lookup: dns.lookup }).check(signal());
    expect(missing).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reason: 'dns' } });
  });

  it('times out by the clock while name resolution hangs', async () => {
    const clock = new FakeClock();
    let asked!: () => void;
    const lookupStarted = new Promise<void>((resolve) => (asked = resolve));
    const hanging = (() => asked()) as unknown as net.LookupFunction;
    const result = new NetworkMonitor({ name: 'db', host: 'slow.test', port: tcpPort }, { clock, lookup: hanging, timeoutMs: 2000 }).check(signal());
    await lookupStarted;
    clock.tick(1999);
    clock.tick(1);
    expect(await result).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { reason: 'timeout', latencyMs: 2000 } });
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('NetworkMonitor', () => {
  it('rejects with the abort reason when the caller aborts mid-probe, releasing its timer', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const connected = new Promise<void>((resolve) => silentServer.once('connection', () => resolve()));
    const result = new NetworkMonitor({ name: 'api', url: `http://127.0.0.1:${silentPort}/` }, { clock }).check(ac.signal);
    await connected;
    const reason = new Error('manager timeout');
    ac.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    ac.abort();
    const pre = new AbortController();
    pre.abort(reason);
    await expect(new NetworkMonitor({ name: 'api', url: base }).check(pre.signal)).rejects.toBe(reason);
  });

  it('validates the target and options, naming the path and never echoing credentials', () => {
    const err = (() => {
      try {
        new NetworkMonitor({ name: 'x', url: 'ftp://u:pw@host/' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.path).toBe('target.url');
    expect(JSON.stringify({ m: err?.message, v: err?.value })).not.toContain('pw');
    expect(() => new NetworkMonitor({ name: '', url: base })).toThrow(/target\.name/);
    expect(() => new NetworkMonitor({ name: 'x', host: 'h', port: 70000 })).toThrow(/target\.port/);
    expect(() => new NetworkMonitor({ name: 'x', host: '', port: 80 })).toThrow(/target\.host/);
    expect(() => new NetworkMonitor({ name: 'x', url: base }, { timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new NetworkMonitor({ name: 'x', url: base }, { latencyCriticalMs: 100 })).toThrow(/latencyCriticalMs: must be above latencyDegradedMs \(500\)/);
    expect(() => new NetworkMonitor({ name: 'x', url: base }, { expectStatus: [200, 700] })).toThrow(/expectStatus\[1\]/);
    expect(() => new NetworkMonitor({ name: 'x', url: base }, { headers: { a: 'b\r\nc' } })).toThrow(/headers\.a/);
    const given = { timeoutMs: 100, expectStatus: [200] };
    const m = new NetworkMonitor({ name: 'x', url: base }, given);
    expect(m.options).toMatchObject({ timeoutMs: 100, latencyDegradedMs: 500, latencyCriticalMs: undefined, expectStatus: [200], method: 'GET' });
    expect(Object.isFrozen(m.options)).toBe(true);
    expect(m.options.expectStatus).not.toBe(given.expectStatus);
  });
});
