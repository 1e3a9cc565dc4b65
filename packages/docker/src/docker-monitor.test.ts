import { ConfigError, ResourceStatus, ResourceType } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerMonitor } from './docker-monitor.js';
import { FakeDockerEngine } from './testing/fake-docker-engine.js';

let engine: FakeDockerEngine;
const monitors: DockerMonitor[] = [];
const monitor = (options: Partial<ConstructorParameters<typeof DockerMonitor>[0]> = {}) => {
  const m = new DockerMonitor({ name: 'host', socketPath: engine.socketPath, ...options });
  monitors.push(m);
  return m;
};
const signal = () => new AbortController().signal;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setImmediate(r));
}

beforeEach(async () => {
  engine = await FakeDockerEngine.start({
    containers: [
      { name: 'web', health: 'healthy' },
      { name: 'worker' },
      { name: 'migrate', status: 'exited', exitCode: 0 },
    ],
  });
});

afterEach(async () => {
  for (const m of monitors.splice(0)) m.close();
  await engine.close();
});

describe('DockerMonitor', () => {
  it('is a docker resource monitor named after its option', () => {
    const m = monitor();
    expect(m.resourceType).toBe(ResourceType.DOCKER);
    expect(`${m.resourceType}:${m.name}`).toBe('docker:host');
  });

  it('reports a reachable daemon with healthy watched containers', async () => {
    const result = await monitor({ containers: ['web', 'worker'] }).check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(result.details).toMatchObject({ daemon: 'reachable', apiVersion: '1.47', watched: 2, notHealthy: [] });
    expect(engine.requests).toEqual(['/_ping', '/containers/web/json', '/containers/worker/json']);
  });

  it('without a container list, watches every live container and only counts stopped ones', async () => {
    const result = await monitor().check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(result.details).toMatchObject({ watched: 2, stoppedNotWatched: 1 });
    expect(engine.requests[1]).toBe('/containers/json?all=1');
    engine.updateContainer('worker', { status: 'restarting', exitCode: 1 });
    const next = await monitor().check(signal());
    expect(next.status).toBe(ResourceStatus.CRITICAL);
    expect(next.details?.notHealthy).toEqual(['worker']);
  });

  it('an unhealthy watched container is critical, with its failing streak', async () => {
    engine.updateContainer('web', { health: 'unhealthy', failingStreak: 4 });
    const result = await monitor({ containers: ['web'] }).check(signal());
    expect(result.status).toBe(ResourceStatus.CRITICAL);
    const [web] = result.details?.containers as Array<Record<string, unknown>>;
    expect(web).toMatchObject({ name: 'web', health: 'unhealthy', failingStreak: 4, status: ResourceStatus.CRITICAL });
  });

  it('a stopped watched container is critical and OOMKilled is reported', async () => {
    engine.updateContainer('worker', { status: 'exited', exitCode: 137, oomKilled: true });
    const result = await monitor({ containers: ['worker'] }).check(signal());
    expect(result.status).toBe(ResourceStatus.CRITICAL);
    expect(result.details?.containers).toEqual([expect.objectContaining({ state: 'exited', exitCode: 137, oomKilled: true })]);
  });

  it('a watched container the daemon does not know is critical', async () => {
    const result = await monitor({ containers: ['web', 'ghost'] }).check(signal());
    expect(result.status).toBe(ResourceStatus.CRITICAL);
    expect(result.details?.notHealthy).toEqual(['ghost']);
  });

  it('finds containers by id prefix and by /name', async () => {
    const id = engine.addContainer({ name: 'cache' });
    const result = await monitor({ containers: [id.slice(0, 12), '/web'] }).check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect((result.details?.containers as Array<{ name: string }>).map((c) => c.name)).toEqual(['cache', 'web']);
  });

  it('warns on restarts between two checks, then calms down when they stop', async () => {
    const m = monitor({ containers: ['worker'], thresholds: { restartsDegraded: 1, restartsCritical: 5 } });
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
    engine.updateContainer('worker', { restartCount: 2 });
    const rising = await m.check(signal());
    expect(rising.status).toBe(ResourceStatus.DEGRADED);
    expect(rising.details?.containers).toEqual([expect.objectContaining({ restartCount: 2, restartsSinceLastCheck: 2 })]);
    engine.updateContainer('worker', { restartCount: 7 });
    expect((await m.check(signal())).status).toBe(ResourceStatus.CRITICAL);
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it('is unavailable while the daemon is down and recovers when it comes back', async () => {
    const m = monitor({ containers: ['web'] });
    await engine.stop();
    const down = await m.check(signal());
    expect(down.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(down.details).toMatchObject({ daemon: 'unreachable', socketPath: engine.socketPath });
    expect(String(down.details?.error)).toMatch(/Docker Engine unreachable \((ENOENT|ECONNREFUSED)\)/);
    await engine.listen();
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it('is unavailable when the socket does not exist', async () => {
    const result = await monitor({ socketPath: `${engine.socketPath}.missing` }).check(signal());
    expect(result).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { daemon: 'unreachable' } });
  });

  it('is unavailable when the daemon answers 500, with its message', async () => {
    engine.failWith('Cannot connect to containerd');
    const result = await monitor().check(signal());
    expect(result.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(String(result.details?.error)).toContain('500');
    expect(String(result.details?.error)).toContain('Cannot connect to containerd');
  });

  it('gives up after timeoutMs on its own clock and aborts the pending request', async () => {
    const clock = new FakeClock();
    const m = monitor({ containers: ['web'], timeoutMs: 2000, clock });
    engine.hold();
    const pending = m.check(signal());
    await until(() => engine.heldCount === 1);
    clock.tick(1999);
    expect(engine.heldCount).toBe(1);
    clock.tick(1);
    const result = await pending;
    expect(result).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { daemon: 'timeout', error: 'Docker Engine did not answer within 2000 ms' } });
    expect(clock.pendingTimers).toBe(0);
    await until(() => engine.connectionCount === 0);
  });

  it("rethrows the caller's abort instead of reporting", async () => {
    const controller = new AbortController();
    engine.hold();
    const pending = monitor({ clock: new FakeClock() }).check(controller.signal);
    await until(() => engine.heldCount === 1);
    controller.abort(new Error('manager gave up'));
    await expect(pending).rejects.toThrow('manager gave up');
  });

  it('close() drops the kept-alive connection', async () => {
    const m = monitor({ containers: ['web'] });
    await m.check(signal());
    expect(engine.connectionCount).toBe(1);
    m.close();
    await until(() => engine.connectionCount === 0);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x', socketPath: '' }, 'socketPath'],
    [{ name: 'x', containers: 'web' }, 'containers'],
    [{ name: 'x', containers: ['web', ''] }, 'containers[1]'],
    [{ name: 'x', timeoutMs: 0 }, 'timeoutMs'],
    [{ name: 'x', thresholds: { restartsDegraded: 0 } }, 'thresholds.restartsDegraded'],
    [{ name: 'x', thresholds: { restartsDegraded: 4, restartsCritical: 2 } }, 'thresholds.restartsCritical'],
    [{ name: 'x', socket: '/tmp/docker.sock' }, 'DockerMonitor.socket'],
    [{ name: 'x', thresholds: { restarts: 2 } }, 'thresholds.restarts'],
  ])('rejects bad options %j with a ConfigError naming %s', (options, path) => {
    const attempt = () => new DockerMonitor(options as never);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expect.objectContaining({ path }));
  });

  it('does not write defaults into the caller’s options', () => {
    const options = { name: 'x', thresholds: { restartsDegraded: 2 } };
    const m = new DockerMonitor(options);
    expect(options).toEqual({ name: 'x', thresholds: { restartsDegraded: 2 } });
    expect(Object.isFrozen(m.options)).toBe(true);
    expect(m.options.thresholds).toEqual({ restartsDegraded: 2, restartsCritical: 3, failingStreakDegraded: 1 });
  });
});
