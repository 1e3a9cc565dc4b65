import { STATUS_CODES } from 'node:http';
import { ResourceStatus, ResourceType, worstStatus, type MonitorCheckResult, type ResourceMonitor } from '@rampart/core';
import { CoreV1Api, Observable, type ConfigurationOptions, type ObservableMiddleware, type V1PodList } from '@kubernetes/client-node';
import { runWithDeadline } from '@rampart/core';
import { linkSignals } from '@rampart/core/internal';
import { loadKubeConfig, type KubeConfigSource } from './load-kube-config.js';
import { evaluatePod, type PodReport } from './pod-health.js';
import { resolvePodMonitorOptions, type KubernetesPodMonitorOptions, type ResolvedKubernetesPodMonitorOptions } from './pod-monitor-options.js';
import { redactCredentials } from './redact-token.js';

/**
 * Watches the pods of a namespace (optionally a label selector) through the Kubernetes API
 * (`GET /api/v1/namespaces/{ns}/pods`, @kubernetes/client-node's CoreV1Api): phase, the Ready
 * condition, restart counts (a rising count warns), CrashLoopBackOff / ImagePullBackOff
 * (critical) and OOMKilled. Reported as `k8s_pod:<name>`. Tokens never appear in its reports.
 */
export class KubernetesPodMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.K8S_POD;
  readonly name: string;
  readonly options: ResolvedKubernetesPodMonitorOptions;
  /** Where the credentials came from: the kubeconfig option, the pod's service account, or the default kubeconfig. */
  readonly credentialSource: KubeConfigSource;
  /** The API server's URL (no credentials in it). */
  readonly server: string;
  readonly #api: CoreV1Api;
  readonly #secrets: ReadonlyArray<string | undefined>;
  readonly #closing = new AbortController();
  /** Restart sums seen on the previous check, by pod uid (name when there is none). */
  #restarts = new Map<string, number>();

  constructor(options: KubernetesPodMonitorOptions) {
    this.options = resolvePodMonitorOptions(options);
    this.name = this.options.name;
    const { kc, source } = loadKubeConfig(this.options);
    this.credentialSource = source;
    this.server = kc.getCurrentCluster()!.server;
    const user = kc.getCurrentUser();
    this.#secrets = [user?.token, user?.password];
    this.#api = kc.makeApiClient(CoreV1Api);
  }

  async check(signal?: AbortSignal): Promise<MonitorCheckResult> {
    // linkSignals, not AbortSignal.any: on Node 20 the latter leaks through the long-lived closing signal
    const link = linkSignals(signal, this.#closing.signal);
    try {
      return await this.#check(link.signal);
    } finally {
      link.dispose();
    }
  }

  async #check(outer: AbortSignal): Promise<MonitorCheckResult> {
    const { clock, timeoutMs, namespace, labelSelector } = this.options;
    let list: V1PodList;
    try {
      list = await runWithDeadline(clock, timeoutMs, outer, (s) => this.#api.listNamespacedPod({ namespace, labelSelector }, withSignal(s)), {
        background: true, // a monitor's check: it holds the process only through its own socket
      });
    } catch (error) {
      if (outer.aborted) throw outer.reason;
      const timedOut = (error as { code?: unknown }).code === 'TimeoutError';
      return {
        status: ResourceStatus.UNAVAILABLE,
        details: {
          namespace,
          labelSelector,
          api: timedOut ? 'timeout' : 'error',
          error: timedOut ? `Kubernetes API did not answer within ${timeoutMs} ms` : this.#describe(error),
        },
      };
    }
    return this.#evaluate(list);
  }

  /** Abort a check in flight; later checks reject. The client keeps no connection open between checks. */
  close(): void {
    if (!this.#closing.signal.aborted) this.#closing.abort(new Error(`KubernetesPodMonitor ${this.name} is closed`));
  }

  #evaluate(list: V1PodList): MonitorCheckResult {
    const { namespace, labelSelector, thresholds } = this.options;
    const seen = new Map<string, number>();
    const pods: PodReport[] = list.items.map((pod) => {
      const key = pod.metadata?.uid ?? pod.metadata?.name ?? '';
      const report = evaluatePod(pod, this.#restarts.get(key), thresholds);
      seen.set(key, report.restarts);
      return report;
    });
    this.#restarts = seen;
    const ready = pods.filter((p) => p.ready).length;
    const statuses = pods.map((p) => p.status);
    const reasons: string[] = [];
    if (ready < thresholds.minReadyPods) {
      statuses.push(ResourceStatus.CRITICAL);
      reasons.push(pods.length === 0 ? 'no pod matches' : `${ready} Ready pod(s), fewer than ${thresholds.minReadyPods}`);
    }
    return {
      status: worstStatus(statuses),
      details: {
        namespace,
        labelSelector,
        total: pods.length,
        ready,
        notHealthy: pods.filter((p) => p.status !== ResourceStatus.HEALTHY).map((p) => p.name),
        ...(reasons.length > 0 ? { reasons } : {}),
        pods,
      },
    };
  }

  /** A short, credential-free description of an API failure. */
  #describe(error: unknown): string {
    const e = error as { code?: unknown; body?: unknown; message?: unknown; cause?: unknown };
    let text: string;
    if (typeof e.code === 'number') {
      // ApiException: its message also carries the response headers; say only what the server said
      let message: unknown;
      try {
        message = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body)?.message;
      } catch {
        message = typeof e.body === 'string' ? e.body.slice(0, 200) : undefined;
      }
      const said = typeof message === 'string' ? message : STATUS_CODES[e.code];
      text = `Kubernetes API answered ${e.code}${said ? `: ${said}` : ''}`;
    } else {
      const code = (e.cause as { code?: unknown } | undefined)?.code ?? e.code;
      text = `Kubernetes API unreachable at ${this.server}${typeof code === 'string' ? ` (${code})` : ''}: ${String(e.message ?? error)}`;
    }
    return redactCredentials(text, this.#secrets);
  }
}

/**
 * Per-call options that hand the request our AbortSignal (node-fetch honours it). The object API
 * runs per-call middleware through its Observable pipeline, so `pre` returns an Observable.
 */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
