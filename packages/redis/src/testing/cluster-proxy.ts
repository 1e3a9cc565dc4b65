// Test support (not a test file): a loopback TcpProxy in front of every node of a RedisClusterProcess,
// so a fault test can cut the whole cluster off from its clients (the nodes keep running and keep
// their data) and restore it. Clients reach the nodes through the proxies by a NAT map: the cluster
// names its nodes by their own ports, which the map sends to the proxies.
import type { RedisClusterProcess } from './redis-cluster-process.js';
import { TcpProxy } from './tcp-proxy.js';

/** One proxy per node of a cluster. */
export class ClusterProxy {
  readonly proxies: readonly TcpProxy[];

  private constructor(proxies: TcpProxy[]) {
    this.proxies = proxies;
  }

  /** A proxy listening in front of every node of `cluster`. */
  static async start(cluster: RedisClusterProcess): Promise<ClusterProxy> {
    return new ClusterProxy(await Promise.all(cluster.nodes.map((n) => TcpProxy.start(n.port))));
  }

  /**
   * The target string of testing/redis-target.ts: `cluster://127.0.0.1:P=127.0.0.1:N,...`, each
   * node `N` reached through its proxy `P`.
   */
  get target(): string {
    return `cluster://${this.proxies.map((p) => `127.0.0.1:${p.port}=127.0.0.1:${p.targetPort}`).join(',')}`;
  }

  /** Cut every proxy: every client connection to the cluster drops and new ones are refused. */
  async cut(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.cut()));
  }

  /** Listen again on the same ports. */
  async restore(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.restore()));
  }

  close(): Promise<void> {
    return this.cut();
  }
}
