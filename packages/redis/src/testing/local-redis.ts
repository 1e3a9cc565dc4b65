// Test support (not a test file): a Redis of a test's own, either one redis-server or a 3-master
// Cluster, behind loopback proxies, with the faults a test inflicts on it. Tests that must hold on
// both take a kind and run once per kind (describe.each over REDIS_KINDS).
import { ClusterProxy } from './cluster-proxy.js';
import { RedisClusterProcess } from './redis-cluster-process.js';
import { RedisServerProcess } from './redis-server-process.js';
import { TcpProxy } from './tcp-proxy.js';

/** One redis-server, or a local Redis Cluster of three masters. */
export type RedisKind = 'single' | 'cluster';

/** Both kinds, for `describe.each`. */
export const REDIS_KINDS: readonly RedisKind[] = ['single', 'cluster'];

/** A Redis of the test's own (started by {@link LocalRedis.start}), reached directly or through proxies. */
export class LocalRedis {
  readonly kind: RedisKind;
  readonly #server: RedisServerProcess | RedisClusterProcess;
  readonly #proxy: TcpProxy | ClusterProxy;

  private constructor(kind: RedisKind, server: RedisServerProcess | RedisClusterProcess, proxy: TcpProxy | ClusterProxy) {
    this.kind = kind;
    this.#server = server;
    this.#proxy = proxy;
  }

  static async start(kind: RedisKind): Promise<LocalRedis> {
    const server = kind === 'single' ? await RedisServerProcess.start() : await RedisClusterProcess.start();
    try {
      const proxy = server instanceof RedisServerProcess ? await TcpProxy.start(server.port) : await ClusterProxy.start(server);
      return new LocalRedis(kind, server, proxy);
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  /** A target (testing/redis-target.ts) reaching the server(s) directly: unaffected by {@link cut}. */
  get target(): string {
    return this.#server instanceof RedisServerProcess ? this.#server.url : this.#server.target;
  }

  /** A target reaching the server(s) through the proxies: cut by {@link cut}. */
  get proxiedTarget(): string {
    return this.#proxy instanceof TcpProxy ? this.#proxy.url : this.#proxy.target;
  }

  /** 'a redis-server' or 'a 3-master Redis Cluster', for test names. */
  get description(): string {
    return this.kind === 'single' ? 'a redis-server' : 'a 3-master Redis Cluster';
  }

  /** Cut every proxy: clients of {@link proxiedTarget} lose their connections, new ones are refused. */
  cut(): Promise<void> {
    return this.#proxy.cut();
  }

  restore(): Promise<void> {
    return this.#proxy.restore();
  }

  /** SIGKILL the server(s): every client loses its connection, and the data is gone. */
  kill(): Promise<void> {
    return this.#server.kill();
  }

  /** Start the killed server(s) again on the same ports (a cluster: until every slot is served). */
  restart(): Promise<void> {
    return this.#server.restart();
  }

  async stop(): Promise<void> {
    await this.#proxy.close();
    await this.#server.stop();
  }
}
