import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ResilienceManager, ResourceStatus } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesPodMonitor } from './kubernetes-pod-monitor.js';
import { FakeKubeApiServer } from './testing/fake-kube-api-server.js';
import { writeKubeconfig } from './testing/write-kubeconfig.js';

let api: FakeKubeApiServer;
let kubeconfig: string;
let manager: ResilienceManager;

beforeEach(async () => {
  api = await FakeKubeApiServer.start();
  api.setPods('shop', [{ name: 'web-1', labels: { app: 'web' } }]);
  kubeconfig = await writeKubeconfig({ server: api.url, token: api.token });
  manager = new ResilienceManager('k8s-team', { checkIntervalMs: 3_600_000, hysteresis: { recoverAfter: 1 }, env: {} });
  manager.registerMonitor(new KubernetesPodMonitor({ name: 'web', namespace: 'shop', labelSelector: 'app=web', kubeconfig }));
  await manager.start();
});

afterEach(async () => {
  await manager.stop();
  await api.close();
  await rm(dirname(kubeconfig), { recursive: true, force: true });
});

describe('KubernetesPodMonitor in a ResilienceManager', () => {
  it('shows in the health report as k8s_pod:<name>, without the token', async () => {
    let report = await manager.getHealthReport();
    expect(report.resources['k8s_pod:web']).toMatchObject({ status: ResourceStatus.HEALTHY, details: { total: 1, ready: 1 } });
    api.upsertPod('shop', { name: 'web-1', labels: { app: 'web' }, containers: [{ name: 'app', restartCount: 3, waitingReason: 'CrashLoopBackOff' }] });
    await manager.checkNow();
    report = await manager.getHealthReport();
    expect(report.resources['k8s_pod:web']?.status).toBe(ResourceStatus.CRITICAL);
    expect(report.overall_health).toBe(ResourceStatus.CRITICAL);
    expect(JSON.stringify(report)).not.toContain(api.token);
  });
});
