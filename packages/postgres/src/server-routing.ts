import type { ReadBalancing } from './resilient-pool-options.js';
import type { ReplicationTopology } from './replication-topology.js';

/** Weight of the newest query in a server's recent latency (exponentially weighted mean). */
const LATENCY_WEIGHT = 0.2;

/**
 * Turns the pool's {@link ReplicationTopology} into the ordered server list of one call (the
 * manager's per-call `providers`: the plain attempt takes the first, SWITCH_PROVIDER walks the rest).
 * Fenced servers are never in a list.
 */
export class ServerRouting {
  readonly #topology: ReplicationTopology;
  readonly #balancing: ReadBalancing;
  readonly #maxLagMs: number;
  readonly #latency = new Map<string, number>();
  #next = 0;

  constructor(topology: ReplicationTopology, balancing: ReadBalancing, maxLagMs: number) {
    this.#topology = topology;
    this.#balancing = balancing;
    this.#maxLagMs = maxLagMs;
  }

  /**
   * A write's servers: the writable primary alone (only it may take the write, so the chain retries
   * it rather than another server); with `allowWriteFailover`, the other servers after it. Undefined
   * when no server is known to be a writable primary and writes do not fail over.
   */
  writeOrder(allowWriteFailover: boolean): string[] | undefined {
    const t = this.#topology;
    const target = t.writeTarget();
    if (!allowWriteFailover) return target === undefined ? undefined : [target];
    const first = target ?? t.leader;
    return [first, ...t.servers.filter((n) => n !== first)].filter((n) => !t.isFenced(n));
  }

  /**
   * A read's servers: the standbys within `maxReplicaLagMs` (replayed past `minLsn` when given),
   * balanced; then the primary; then, without `minLsn`, servers not known to be standbys (not checked
   * yet, or writable ones the configuration calls replicas) in configuration order. A standby too far
   * behind is in no list.
   */
  readOrder(minLsn: bigint | undefined): string[] {
    const t = this.#topology;
    const standbys = this.#balance(t.readableStandbys(this.#maxLagMs, minLsn));
    const order = [...standbys];
    if (!t.isFenced(t.leader) && !order.includes(t.leader)) order.push(t.leader);
    if (minLsn !== undefined) return order;
    for (const n of t.servers) if (!order.includes(n) && !t.isFenced(n) && !t.isStandby(n)) order.push(n);
    return order;
  }

  /** A query on `server` took `ms` (for `least_latency`). */
  observe(server: string, ms: number): void {
    const prev = this.#latency.get(server);
    this.#latency.set(server, prev === undefined ? ms : prev + LATENCY_WEIGHT * (ms - prev));
  }

  #balance(servers: string[]): string[] {
    if (servers.length < 2) return servers;
    switch (this.#balancing) {
      case 'round_robin': {
        const start = this.#next++ % servers.length;
        if (this.#next >= Number.MAX_SAFE_INTEGER) this.#next = 0;
        return [...servers.slice(start), ...servers.slice(0, start)];
      }
      case 'random': {
        const out = [...servers];
        for (let i = out.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [out[i], out[j]] = [out[j]!, out[i]!];
        }
        return out;
      }
      case 'least_latency': {
        const latency = (n: string) => this.#latency.get(n) ?? this.#topology.state(n).latencyMs ?? Number.POSITIVE_INFINITY;
        return [...servers].sort((a, b) => latency(a) - latency(b));
      }
    }
  }
}
