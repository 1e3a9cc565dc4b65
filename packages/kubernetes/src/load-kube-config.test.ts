import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@rampart/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadKubeConfig } from './load-kube-config.js';
import { writeKubeconfig } from './testing/write-kubeconfig.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-kc-'));
  vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadKubeConfig', () => {
  it('loads a JSON kubeconfig and picks a named context', async () => {
    const path = await writeKubeconfig({ server: 'http://127.0.0.1:1', token: 't0ken-aaaa', dir });
    const { kc, source } = loadKubeConfig({ kubeconfig: path, context: 'rampart-test' });
    expect(source).toBe('kubeconfig');
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'http://127.0.0.1:1', skipTLSVerify: true });
    expect(kc.getCurrentUser()?.token).toBe('t0ken-aaaa');
  });

  it('refuses an unparsable kubeconfig without quoting it', async () => {
    const path = join(dir, 'broken');
    await writeFile(path, 'users: [ { name: u, user: { token: s3cr3t-token-value ');
    const error = configError(() => loadKubeConfig({ kubeconfig: path }));
    expect(error.path).toBe('kubeconfig');
    expect(error.message).not.toContain('s3cr3t');
    expect(error.cause).toBeUndefined();
  });

  it('refuses a plain-http cluster without insecure-skip-tls-verify', async () => {
    const path = join(dir, 'http.json');
    await writeFile(
      path,
      JSON.stringify({
        clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:8080' } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      }),
    );
    expect(configError(() => loadKubeConfig({ kubeconfig: path })).message).toContain('insecure-skip-tls-verify');
  });

  it('says so when there is no kubeconfig, no cluster and no default file', () => {
    vi.stubEnv('KUBECONFIG', join(dir, 'none'));
    const error = configError(() => loadKubeConfig({}));
    expect(error.path).toBe('kubeconfig');
    expect(error.message).toContain('KUBERNETES_SERVICE_HOST unset');
  });

  it('falls back to $KUBECONFIG', async () => {
    const path = await writeKubeconfig({ server: 'http://127.0.0.1:2', token: 't', dir });
    vi.stubEnv('KUBECONFIG', path);
    const { kc, source } = loadKubeConfig({});
    expect(source).toBe('default');
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:2');
  });

  it('in a cluster without a service-account token, names the problem', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const error = configError(() => loadKubeConfig({ inClusterPathPrefix: dir }));
    expect(error.path).toBe('KUBERNETES_SERVICE_HOST');
    expect(error.message).toContain('no service-account token');
  });
});
