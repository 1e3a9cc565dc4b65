import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ConfigError } from '@rampart/core';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the service-account files of a pod live (below an optional prefix). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where the credentials came from. */
export type KubeConfigSource = 'kubeconfig' | 'in-cluster' | 'default';

export interface LoadKubeConfigOptions {
  /** Path of a kubeconfig file (YAML or JSON). */
  kubeconfig?: string | undefined;
  /** Context of the kubeconfig to use. Default its `current-context`. */
  context?: string | undefined;
  /** Prefix of the in-cluster service-account files. Default '' (the real paths). */
  inClusterPathPrefix?: string | undefined;
}

/**
 * Load credentials: the given kubeconfig file; else in-cluster (the pod's service account) when
 * `KUBERNETES_SERVICE_HOST` is set; else `$KUBECONFIG` / `~/.kube/config`. Throws
 * {@link ConfigError} when none applies or the file is unusable. Error messages never quote the
 * file's content (it holds tokens).
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): { kc: KubeConfig; source: KubeConfigSource } {
  const kc = new KubeConfig();
  let source: KubeConfigSource;
  if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig)) throw new ConfigError('kubeconfig', 'file does not exist', options.kubeconfig);
    try {
      kc.loadFromFile(options.kubeconfig);
    } catch {
      // the parser's message may quote the file (tokens): do not pass it on
      throw new ConfigError('kubeconfig', 'is not a valid kubeconfig (YAML or JSON with clusters, users and contexts)', options.kubeconfig);
    }
    source = 'kubeconfig';
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    const prefix = options.inClusterPathPrefix ?? '';
    const tokenFile = `${prefix}${SERVICE_ACCOUNT_DIR}/token`;
    if (!existsSync(tokenFile)) {
      throw new ConfigError('KUBERNETES_SERVICE_HOST', `is set, but there is no service-account token at ${tokenFile}`, process.env.KUBERNETES_SERVICE_HOST);
    }
    kc.loadFromCluster(prefix);
    source = 'in-cluster';
  } else {
    const fromEnv = (process.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
    const candidates = fromEnv.length > 0 ? fromEnv : [join(homedir(), '.kube', 'config')];
    if (!candidates.some((f) => existsSync(f))) {
      throw new ConfigError(
        'kubeconfig',
        'no kubeconfig given, not running in a cluster (KUBERNETES_SERVICE_HOST unset), and no default kubeconfig ($KUBECONFIG or ~/.kube/config)',
        undefined,
      );
    }
    try {
      kc.loadFromDefault();
    } catch {
      throw new ConfigError('kubeconfig', `the default kubeconfig (${candidates.join(delimiter)}) is not valid`, undefined);
    }
    source = 'default';
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) throw new ConfigError('context', 'no such context in the kubeconfig', options.context);
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigError(options.context !== undefined ? 'context' : 'kubeconfig', 'the current context names no cluster', options.context);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new ConfigError('kubeconfig', `cluster "${cluster.name}" uses plain http; the client only allows it with insecure-skip-tls-verify: true`, cluster.server);
  }
  return { kc, source };
}
