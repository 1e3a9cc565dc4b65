import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ResilienceManager } from '../manager/resilience-manager.js';
import { NetworkMonitor } from '../monitors/network-monitor.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import type { HealthCheckResponse } from './health-check-response.js';
import { createHealthHandler, serveHealth, type HealthServer } from './health-http.js';

const RUN = `health-http-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A started manager whose one database monitor reports `status`. */
async function team(name: string, status: ResourceStatus = ResourceStatus.HEALTHY): Promise<ResilienceManager> {
  const manager = new ResilienceManager(`${RUN}-${name}`, { env: { RAMPART_LOG_LEVEL: 'silent' }, clock: new FakeClock({ wallNow: Date.UTC(2026, 10, 1) }) });
  manager.registerMonitor({ name: 'primary', resourceType: ResourceType.DATABASE, check: async () => ({ status, usage: 42 }) });
  cleanups.push(() => manager.stop());
  await manager.start();
  return manager;
}

async function serve(...args: Parameters<typeof serveHealth>): Promise<HealthServer> {
  const server = await serveHealth(...args);
  cleanups.push(() => server.close());
  return server;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = async (res: Response) => (await res.json()) as HealthCheckResponse;

describe('serveHealth', () => {
  it('answers GET with application/health+json, no-store, the draft shape and the manager report', async () => {
    const manager = await team('ok');
    const server = await serve(manager);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/health+json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await json(res);
    expect(body.status).toBe('pass');
    expect(body.checks['database:primary']).toEqual([
      { componentId: manager.team, componentType: 'datastore', status: 'pass', observedValue: 42, observedUnit: '%', time: '2026-11-01T00:00:00.000Z' },
    ]);
    expect(body.rampartReports).toEqual([await manager.getHealthReport()]);
  });

  it('degraded → 200 warn; critical → 503 fail; HEAD has the headers and no body', async () => {
    const warn = await serve(await team('warn', ResourceStatus.DEGRADED));
    const res = await fetch(warn.url);
    expect([res.status, (await json(res)).status]).toEqual([200, 'warn']);
    const fail = await serve(await team('fail', ResourceStatus.CRITICAL));
    const failed = await fetch(fail.url);
    expect([failed.status, (await json(failed)).status]).toEqual([503, 'fail']);
    const head = await fetch(fail.url, { method: 'HEAD' });
    expect(head.status).toBe(503);
    expect(head.headers.get('content-type')).toBe('application/health+json');
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
  });

  it('other methods → 405 with allow; other paths → 404; path option', async () => {
    const server = await serve(await team('methods'), { path: '/status/health' });
    expect(server.url).toMatch(/\/status\/health$/);
    const post = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(server.url.replace('/status/health', '/health'))).status).toBe(404);
    expect((await fetch(`${server.url}?x=1`)).status).toBe(200);
  });

  it('several managers: all by default, ?team= filters (repeatable), an unknown team → 404', async () => {
    const a = await team('a');
    const b = await team('b', ResourceStatus.CRITICAL);
    const server = await serve([a, b]);
    const all = await fetch(server.url);
    const body = await json(all);
    expect([all.status, body.status]).toEqual([503, 'fail']);
    expect(body.checks['database:primary']?.map((c) => [c.componentId, c.status])).toEqual([
      [a.team, 'pass'],
      [b.team, 'fail'],
    ]);
    const onlyA = await fetch(`${server.url}?team=${encodeURIComponent(a.team)}`);
    expect(onlyA.status).toBe(200);
    expect((await json(onlyA)).rampartReports.map((r) => r.team)).toEqual([a.team]);
    const both = await json(await fetch(`${server.url}?team=${a.team}&team=${b.team}`));
    expect(both.rampartReports.map((r) => r.team)).toEqual([a.team, b.team]);
    expect((await fetch(`${server.url}?team=nobody`)).status).toBe(404);
  });

  it('keeps secrets out: a password in a monitor URL, a token in its query, a password in an error', async () => {
    const target = createServer((_req, res) => res.writeHead(500).end());
    const base = await listen(target);
    const manager = await team('secrets');
    const url = base.replace('http://', 'http://admin:hunter2-pass@') + '/ping?token=tok-secret-1234';
    manager.registerMonitor(new NetworkMonitor({ name: 'upstream', url }));
    manager.registerMonitor({
      name: 'replica',
      resourceType: ResourceType.DATABASE,
      check: async () => {
        throw new Error('connect postgres://app:pg-secret-99@db.internal:5432/app failed');
      },
    });
    await manager.checkNow();
    const server = await serve(manager);
    const text = await (await fetch(server.url)).text();
    const body = JSON.parse(text) as HealthCheckResponse;
    // The monitors are in the response (so the test would see a leak)...
    expect(body.checks['network:upstream']?.[0]?.status).toBe('fail');
    expect(body.checks['database:replica']?.[0]?.output).toContain('postgres://app:');
    expect(JSON.stringify(body.rampartReports[0]?.resources['network:upstream']?.details)).toContain('/ping');
    // ...and their secrets are not.
    for (const secret of ['hunter2-pass', 'tok-secret-1234', 'pg-secret-99']) expect(text).not.toContain(secret);
  });

  it('close() closes idle keep-alive sockets and stops listening; a second close() is a no-op', async () => {
    const server = await serveHealth(await team('close'));
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    // Wrapped in an object: resolving with the promise itself would wait for the socket to close.
    const socket = await new Promise<{ closed: Promise<void> }>((resolve, reject) => {
      const req = request(server.url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ closed: new Promise<void>((done) => req.socket!.once('close', () => done())) }));
      });
      req.on('error', reject).end();
    });
    await server.close();
    await socket.closed;
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('close() does not wait for a request in flight (its connection is closed too)', async () => {
    let release: () => void = () => undefined;
    let asked = false;
    const m = await team('in-flight');
    const hanging = {
      getHealthReport: async () => {
        asked = true;
        await new Promise<void>((resolve) => (release = resolve));
        return m.getHealthReport();
      },
    };
    cleanups.push(() => release());
    const server = await serveHealth(hanging);
    const pending = fetch(server.url).then(
      () => 'answered',
      () => 'connection closed',
    );
    while (!asked) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close(); // would hang (and time the test out) while the request holds its connection
    expect(await pending).toBe('connection closed');
  });

  it('rejects bad options with a ConfigError naming the option', async () => {
    const m = await team('config');
    const bad = async (options: object) => (await serveHealth(m, options as never).catch((e: unknown) => e)) as ConfigError;
    expect((await bad({ port: -1 })).path).toBe('serveHealth.options.port');
    expect((await bad({ port: 70_000 })).path).toBe('serveHealth.options.port');
    expect((await bad({ path: 'health' })).path).toBe('serveHealth.options.path');
    expect((await bad({ host: '' })).path).toBe('serveHealth.options.host');
    expect((await bad({ description: '' })).path).toBe('createHealthHandler.options.description');
    expect(() => createHealthHandler([])).toThrow(ConfigError);
    expect(() => createHealthHandler([m, {} as never])).toThrow(/createHealthHandler\.source\[1\]/);
  });
});

describe('createHealthHandler', () => {
  it('mounts on any node:http server; a failing source fails the check without leaking its secret', async () => {
    const good = await team('handler');
    let calls = 0;
    const broken = {
      team: `${RUN}-broken`,
      getHealthReport: () => {
        calls++;
        return Promise.reject(new Error('redis://user:redis-secret-7@cache:6379 is down'));
      },
    };
    const handler = createHealthHandler([good, broken], { serviceId: 'agents-1', clock: new FakeClock({ wallNow: Date.UTC(2026, 0, 1) }) });
    const base = await listen(createServer(handler));
    const res = await fetch(`${base}/anything`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(text).not.toContain('redis-secret-7');
    const body = JSON.parse(text) as HealthCheckResponse;
    expect(body.serviceId).toBe('agents-1');
    expect(body.checks['rampart:report']).toEqual([
      { componentId: broken.team, componentType: 'component', status: 'fail', time: '2026-01-01T00:00:00.000Z', output: 'redis://user:[redacted]@cache:6379 is down' },
    ]);
    // ?team= does not ask the sources it filters out.
    const onlyGood = await fetch(`${base}/?team=${good.team}`);
    expect(onlyGood.status).toBe(200);
    expect(calls).toBe(1);
  });
});
