import { ResilienceManager, ResourceStatus, ResourceType } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerMonitor } from './docker-monitor.js';
import { FakeDockerEngine } from './testing/fake-docker-engine.js';

let engine: FakeDockerEngine;
let manager: ResilienceManager;

beforeEach(async () => {
  engine = await FakeDockerEngine.start({ containers: [{ name: 'api', health: 'healthy' }] });
  manager = new ResilienceManager('docker-team', { checkIntervalMs: 3_600_000, hysteresis: { recoverAfter: 1 }, env: {} });
  manager.registerMonitor(new DockerMonitor({ name: 'host', socketPath: engine.socketPath, containers: ['api'] }));
  await manager.start();
});

afterEach(async () => {
  await manager.stop();
  await engine.close();
});

describe('DockerMonitor in a ResilienceManager', () => {
  it('shows in the health report as docker:<name> and follows the daemon', async () => {
    let report = await manager.getHealthReport();
    expect(report.resources['docker:host']).toMatchObject({ status: ResourceStatus.HEALTHY, details: { daemon: 'reachable', watched: 1 } });
    engine.updateContainer('api', { health: 'unhealthy', failingStreak: 5 });
    await manager.checkNow();
    expect(manager.getStatus(ResourceType.DOCKER)).toBe(ResourceStatus.CRITICAL);
    await engine.stop();
    await manager.checkNow();
    report = await manager.getHealthReport();
    expect(report.resources['docker:host']?.status).toBe(ResourceStatus.UNAVAILABLE);
  });

  it('is closed by the manager’s stop()', async () => {
    await manager.checkNow();
    expect(engine.connectionCount).toBe(1);
    await manager.stop();
    while (engine.connectionCount > 0) await new Promise((r) => setImmediate(r));
  });
});
