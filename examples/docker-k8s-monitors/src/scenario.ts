import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ResilienceManager, type HealthReport } from '@rampart/core';
import { DockerMonitor } from '@rampart/docker';
import { FakeDockerEngine } from '@rampart/docker/testing';
import { KubernetesPodMonitor } from '@rampart/kubernetes';
import { FakeKubeApiServer, writeKubeconfig } from '@rampart/kubernetes/testing';

/** One line per resource of the report: `docker:host critical (api)`. */
export function summarize(report: HealthReport): string[] {
  return Object.entries(report.resources).map(([key, r]) => {
    const notHealthy = (r.details?.notHealthy as string[] | undefined) ?? [];
    return `${key} ${r.status}${notHealthy.length > 0 ? ` (${notHealthy.join(', ')})` : ''}`;
  });
}

/**
 * A team watching the Docker host and the Kubernetes pods it runs on. No Docker daemon or cluster
 * is needed: local servers speak the Engine API (on a unix socket) and the Kubernetes API (on
 * loopback) with their real paths and JSON, and the scenario breaks things on them.
 */
export async function runScenario(log: (line: string) => void): Promise<void> {
  const engine = await FakeDockerEngine.start({ containers: [{ name: 'api', health: 'healthy' }, { name: 'worker' }] });
  const kube = await FakeKubeApiServer.start();
  kube.setPods('shop', [
    { name: 'web-7d9f-1', labels: { app: 'web' } },
    { name: 'web-7d9f-2', labels: { app: 'web' } },
  ]);
  const kubeconfig = await writeKubeconfig({ server: kube.url, token: kube.token, namespace: 'shop' });
  const manager = new ResilienceManager('shop-team', { checkIntervalMs: 60_000, hysteresis: { recoverAfter: 1 } });
  manager.registerMonitor(new DockerMonitor({ name: 'host', socketPath: engine.socketPath, containers: ['api', 'worker'] }));
  manager.registerMonitor(new KubernetesPodMonitor({ name: 'web', namespace: 'shop', labelSelector: 'app=web', kubeconfig }));
  const show = async (title: string) => {
    const report = await manager.getHealthReport();
    log(`${title}: overall ${report.overall_health}`);
    for (const line of summarize(report)) log(`  ${line}`);
  };
  try {
    await manager.start();
    await show('1. everything up');

    engine.updateContainer('worker', { restartCount: 2 });
    kube.upsertPod('shop', { name: 'web-7d9f-2', labels: { app: 'web' }, containers: [{ name: 'app', restartCount: 1, lastTerminatedReason: 'OOMKilled' }] });
    await manager.checkNow();
    await show('2. a container and a pod restarted (OOMKilled)');

    engine.updateContainer('api', { health: 'unhealthy', failingStreak: 3 });
    kube.upsertPod('shop', { name: 'web-7d9f-2', labels: { app: 'web' }, containers: [{ name: 'app', restartCount: 4, waitingReason: 'CrashLoopBackOff' }] });
    await manager.checkNow();
    await show('3. health check failing, pod in CrashLoopBackOff');

    await engine.stop();
    await kube.stop();
    await manager.checkNow();
    await show('4. Docker daemon and API server gone');
  } finally {
    await manager.stop();
    await engine.close();
    await kube.close();
    await rm(dirname(kubeconfig), { recursive: true, force: true });
  }
}
