// Test support (not a test file): a local Redis Cluster of `redis-server` child processes in cluster
// mode (masters only), created with `redis-cli --cluster create`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { RedisServerProcess } from './redis-server-process.js';

const run = promisify(execFile);

/** A cluster of `masters` (default 3) nodes on spare loopback ports. */
export class RedisClusterProcess {
  readonly nodes: readonly RedisServerProcess[];

  private constructor(nodes: RedisServerProcess[]) {
    this.nodes = nodes;
  }

  static async start(masters = 3): Promise<RedisClusterProcess> {
    const nodes: RedisServerProcess[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        // started one after the other: the config file lives in the node's own directory
        nodes.push(await RedisServerProcess.start({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'], clusterBus: true }));
      }
      await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
      const cluster = new RedisClusterProcess(nodes);
      await cluster.#waitUntilOk();
      return cluster;
    } catch (err) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw err;
    }
  }

  /** Seed nodes for `new Cluster(...)`. */
  get startupNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  /** The target string of testing/redis-target.ts (`cluster://127.0.0.1:P1,...`), for child processes. */
  get target(): string {
    return `cluster://${this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`;
  }

  /** A new ioredis Cluster client (the caller quits it). */
  client(): Cluster {
    return new Cluster(this.startupNodes);
  }

  /** SIGKILL every node (their data is gone; each keeps its cluster config file) and wait until they have exited. */
  async kill(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
  }

  /** Start every killed node again on its port and wait until the cluster serves every slot. */
  async restart(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.restart()));
    await this.#waitUntilOk();
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  async #waitUntilOk(): Promise<void> {
    for (;;) {
      const infos = await Promise.all(this.nodes.map((n) => run('redis-cli', ['-p', String(n.port), 'cluster', 'info'])));
      if (infos.every(({ stdout }) => /cluster_state:ok/.test(stdout))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
