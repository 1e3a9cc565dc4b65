import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, ResourceStatus, ResourceType } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { selfSignedCertificate } from './__fixtures__/self-signed-cert.js';
import { KubernetesPodMonitor } from './kubernetes-pod-monitor.js';
import { SERVICE_ACCOUNT_DIR } from './load-kube-config.js';
import { FakeKubeApiServer } from './testing/fake-kube-api-server.js';
import { writeKubeconfig } from './testing/write-kubeconfig.js';

let api: FakeKubeApiServer;
let kubeconfig: string;
const cleanup: Array<() => unknown> = [];
const signal = () => new AbortController().signal;

function monitor(options: Partial<ConstructorParameters<typeof KubernetesPodMonitor>[0]> = {}): KubernetesPodMonitor {
  const m = new KubernetesPodMonitor({ name: 'web', namespace: 'shop', labelSelector: 'app=web', kubeconfig, ...options });
  cleanup.push(() => m.close());
  return m;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}

beforeEach(async () => {
  api = await FakeKubeApiServer.start();
  kubeconfig = await writeKubeconfig({ server: api.url, token: api.token, namespace: 'shop' });
  cleanup.push(() => rm(dirname(kubeconfig), { recursive: true, force: true }));
  api.setPods('shop', [
    { name: 'web-1', labels: { app: 'web' } },
    { name: 'web-2', labels: { app: 'web' } },
    { name: 'db-0', labels: { app: 'db' }, phase: 'Pending' },
  ]);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const c of cleanup.splice(0).reverse()) await c();
  await api.close();
});

describe('KubernetesPodMonitor', () => {
  it('is reported as k8s_pod:<name>', () => {
    const m = monitor();
    expect(`${m.resourceType}:${m.name}`).toBe('k8s_pod:web');
    expect(m.resourceType).toBe(ResourceType.K8S_POD);
    expect(m.credentialSource).toBe('kubeconfig');
  });

  it('lists the selected pods with the bearer token and reports them healthy', async () => {
    const result = await monitor().check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(result.details).toMatchObject({ namespace: 'shop', labelSelector: 'app=web', total: 2, ready: 2, notHealthy: [] });
    expect(api.requests).toEqual([{ method: 'GET', path: '/api/v1/namespaces/shop/pods', query: { labelSelector: 'app=web' }, authorized: true }]);
  });

  it('without a selector watches every pod of the namespace', async () => {
    const result = await monitor({ labelSelector: undefined }).check(signal());
    expect(result.status).toBe(ResourceStatus.DEGRADED);
    expect(result.details).toMatchObject({ total: 3, ready: 2, notHealthy: ['db-0'] });
  });

  it('CrashLoopBackOff is critical and OOMKilled is reported', async () => {
    api.upsertPod('shop', {
      name: 'web-2',
      labels: { app: 'web' },
      containers: [{ name: 'app', restartCount: 4, waitingReason: 'CrashLoopBackOff', lastTerminatedReason: 'OOMKilled' }],
    });
    const result = await monitor().check(signal());
    expect(result.status).toBe(ResourceStatus.CRITICAL);
    const pods = result.details?.pods as Array<Record<string, unknown>>;
    expect(pods.find((p) => p.name === 'web-2')).toMatchObject({ oomKilled: true, waiting: ['app: CrashLoopBackOff'], status: ResourceStatus.CRITICAL });
  });

  it('ImagePullBackOff is critical', async () => {
    api.upsertPod('shop', { name: 'web-3', labels: { app: 'web' }, phase: 'Pending', containers: [{ name: 'app', waitingReason: 'ImagePullBackOff' }] });
    expect((await monitor().check(signal())).status).toBe(ResourceStatus.CRITICAL);
  });

  it('a pod that stops being Ready makes the set degraded', async () => {
    api.upsertPod('shop', { name: 'web-1', labels: { app: 'web' }, containers: [{ name: 'app', ready: false }] });
    const result = await monitor().check(signal());
    expect(result.status).toBe(ResourceStatus.DEGRADED);
    expect(result.details).toMatchObject({ ready: 1, notHealthy: ['web-1'] });
  });

  it('a rising restart count warns before CrashLoopBackOff, and calms down when restarts stop', async () => {
    const m = monitor();
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
    api.upsertPod('shop', { name: 'web-1', labels: { app: 'web' }, containers: [{ name: 'app', restartCount: 1 }] });
    const rising = await m.check(signal());
    expect(rising.status).toBe(ResourceStatus.DEGRADED);
    expect((rising.details?.pods as Array<Record<string, unknown>>)[0]).toMatchObject({ restarts: 1, restartsSinceLastCheck: 1 });
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it('no matching pod is critical, unless minReadyPods is 0', async () => {
    const none = await monitor({ labelSelector: 'app=ghost' }).check(signal());
    expect(none).toMatchObject({ status: ResourceStatus.CRITICAL, details: { total: 0, reasons: ['no pod matches'] } });
    const allowed = await monitor({ labelSelector: 'app=ghost', thresholds: { minReadyPods: 0 } }).check(signal());
    expect(allowed.status).toBe(ResourceStatus.HEALTHY);
  });

  it('fewer Ready pods than minReadyPods is critical', async () => {
    const result = await monitor({ thresholds: { minReadyPods: 3 } }).check(signal());
    expect(result).toMatchObject({ status: ResourceStatus.CRITICAL, details: { reasons: ['2 Ready pod(s), fewer than 3'] } });
  });

  it('a rejected token is unavailable, and the token appears nowhere in the report', async () => {
    const badToken = 'sk-wrong-token-0123456789';
    const path = await writeKubeconfig({ server: api.url, token: badToken });
    cleanup.push(() => rm(dirname(path), { recursive: true, force: true }));
    const result = await monitor({ kubeconfig: path }).check(signal());
    expect(result).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { api: 'error', error: 'Kubernetes API answered 401: Unauthorized' } });
    expect(JSON.stringify(result)).not.toContain(badToken);
    expect(JSON.stringify(result)).not.toContain(api.token);
    expect(api.requests[0]?.authorized).toBe(false);
  });

  it('a malformed selector is reported with the server’s message', async () => {
    const result = await monitor({ labelSelector: 'app in (web' }).check(signal());
    expect(result.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(String(result.details?.error)).toMatch(/^Kubernetes API answered 400: unable to parse requirement/);
  });

  it('is unavailable while the API server answers 503 or is down, and recovers', async () => {
    const m = monitor();
    api.failWith({ code: 503, message: 'etcdserver: leader changed' });
    expect((await m.check(signal())).details).toMatchObject({ error: 'Kubernetes API answered 503: etcdserver: leader changed' });
    api.failWith(undefined);
    await api.stop();
    const down = await m.check(signal());
    expect(down.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(String(down.details?.error)).toContain('ECONNREFUSED');
    expect(String(down.details?.error)).toContain(api.url);
    await api.listen();
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it('gives up after timeoutMs on its own clock and closes the request', async () => {
    const clock = new FakeClock();
    const m = monitor({ timeoutMs: 3000, clock });
    api.hold();
    const pending = m.check(signal());
    await until(() => api.heldCount === 1);
    clock.tick(2999);
    clock.tick(1);
    expect(await pending).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { api: 'timeout', error: 'Kubernetes API did not answer within 3000 ms' } });
    expect(clock.pendingTimers).toBe(0);
    await until(() => api.connectionCount === 0);
  });

  it("rethrows the caller's abort, and close() aborts a check in flight", async () => {
    api.hold();
    const controller = new AbortController();
    const m = monitor({ clock: new FakeClock() });
    const aborted = m.check(controller.signal);
    await until(() => api.heldCount === 1);
    controller.abort(new Error('manager gave up'));
    await expect(aborted).rejects.toThrow('manager gave up');
    const inFlight = m.check(signal());
    await until(() => api.heldCount === 2);
    m.close();
    await expect(inFlight).rejects.toThrow('KubernetesPodMonitor web is closed');
    await until(() => api.connectionCount === 0);
  });

  it('uses the pod’s service account when running in a cluster (TLS, token file)', async () => {
    const tls = await selfSignedCertificate();
    const secure = await FakeKubeApiServer.start({ tls });
    cleanup.push(() => secure.close());
    secure.setPods('shop', [{ name: 'web-1', labels: { app: 'web' } }]);
    const root = await mkdtemp(join(tmpdir(), 'rampart-sa-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const sa = join(root, SERVICE_ACCOUNT_DIR);
    await mkdir(sa, { recursive: true });
    await writeFile(join(sa, 'token'), secure.token);
    await writeFile(join(sa, 'ca.crt'), tls.cert);
    await writeFile(join(sa, 'namespace'), 'shop');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '127.0.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', String(secure.port));
    const m = monitor({ kubeconfig: undefined, inClusterPathPrefix: root });
    expect(m.credentialSource).toBe('in-cluster');
    expect(m.server).toBe(secure.url);
    const result = await m.check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(secure.requests[0]).toMatchObject({ path: '/api/v1/namespaces/shop/pods', authorized: true });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ namespace: 'Shop_1' }, 'namespace'],
    [{ labelSelector: '' }, 'labelSelector'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
    [{ thresholds: { restartsDegraded: 1.5 } }, 'thresholds.restartsDegraded'],
    [{ thresholds: { restartsDegraded: 5, restartsCritical: 2 } }, 'thresholds.restartsCritical'],
    [{ kubeconfig: '/nonexistent/kubeconfig' }, 'kubeconfig'],
    [{ context: 'prod' }, 'context'],
    [{ selector: 'app=web' }, 'KubernetesPodMonitor.selector'],
    [{ thresholds: { minReady: 1 } }, 'thresholds.minReady'],
  ])('rejects %j with a ConfigError naming %s', (options, path) => {
    const attempt = () => monitor(options as never);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expect.objectContaining({ path }));
  });
});
