import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WriteKubeconfigOptions {
  /** API server URL, e.g. `FakeKubeApiServer.url`. */
  server: string;
  /** Bearer token of the user. */
  token: string;
  /** Default namespace of the context. */
  namespace?: string;
  /** Directory to write into. Default a new temporary directory. */
  dir?: string;
  /** PEM of the CA that signed the server's certificate (https servers). */
  caPem?: string;
  /** Context (and cluster/user) name. Default `rampart-test`. */
  contextName?: string;
}

/**
 * Write a kubeconfig (as JSON, which is YAML) pointing at `server` with a bearer-token user;
 * returns its path. For an `http:` server the cluster sets `insecure-skip-tls-verify: true`:
 * @kubernetes/client-node refuses plain HTTP otherwise.
 */
export async function writeKubeconfig(options: WriteKubeconfigOptions): Promise<string> {
  const name = options.contextName ?? 'rampart-test';
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'rampart-kube-')));
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.caPem) cluster['certificate-authority-data'] = Buffer.from(options.caPem).toString('base64');
  else if (options.server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(options.namespace ? { namespace: options.namespace } : {}) } }],
    'current-context': name,
    preferences: {},
  };
  const path = join(dir, 'kubeconfig.json');
  await writeFile(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}
