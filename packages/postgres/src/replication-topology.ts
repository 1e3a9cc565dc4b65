import { lsnBytesBetween, lsnToBigInt, type ReplicationSample, type ServerRole } from './replication-sample.js';

/** What the latest check of one server found. */
export interface ServerState {
  /** `unreachable` when its last check failed; undefined before its first check. */
  readonly role: ServerRole | 'unreachable' | undefined;
  /** Last timeline seen on it (kept while it is unreachable). */
  readonly timeline: number | undefined;
  /** A standby's replay delay, ms (see {@link ReplicationSample.replayDelayMs}). */
  readonly replayDelayMs: number | undefined;
  /** A standby's bytes behind the primary's last known WAL position. */
  readonly bytesBehind: number | undefined;
  /** A standby's last replayed WAL position. */
  readonly replayLsn: string | undefined;
  /** Health-query round trip of its last check, ms. */
  readonly latencyMs: number | undefined;
  /** Why it never receives a query (a writable server on an older timeline than another server), if so. */
  readonly fenced: string | undefined;
  /** Why a standby gets no reads although it is reachable: it follows an older timeline than the newest (not the current primary). */
  readonly offTimeline: string | undefined;
}

interface Observed {
  sample: ReplicationSample | undefined;
  checked: boolean;
  timeline: number | undefined;
  latencyMs: number | undefined;
}

/**
 * The one record of which server of a {@link ResilientPool} is what, kept from its monitors' checks
 * (`record`) and read by the pool's routing and the monitors' verdicts.
 *
 * - The **primary** (`leader`) starts as the configured one; it moves to another server when that
 *   server is writable on a newer timeline (it was promoted), or when the current one is found in
 *   recovery (rebuilt as a standby) or fenced. A configured primary that was never reached yields
 *   to a writable server on the newest timeline if that one was promoted (timeline > 1). An unreachable primary stays primary (it may come
 *   back) but takes no writes while its last check failed.
 * - A writable server on a timeline older than the newest one seen on any server is **fenced**: a
 *   stale primary after a failover (split brain). It stays fenced until it is found in recovery.
 */
export class ReplicationTopology {
  /** Server names in configuration order, the configured primary first. */
  readonly servers: readonly string[];
  readonly #observed = new Map<string, Observed>();
  #leader: string;
  /** Whether the leader was chosen from a check (not just the configuration). */
  #leaderKnown = false;
  /** Newest timeline seen on any server. */
  #newestTimeline = 0;
  readonly #onWriteTarget = new Set<(target: string | undefined) => void>();

  constructor(servers: readonly string[]) {
    if (servers.length === 0) throw new Error('ReplicationTopology needs at least one server');
    this.servers = Object.freeze([...servers]);
    for (const s of servers) this.#observed.set(s, { sample: undefined, checked: false, timeline: undefined, latencyMs: undefined });
    this.#leader = servers[0]!;
  }

  /** The server taken for the primary (the configured one until checks say otherwise). */
  get leader(): string {
    return this.#leader;
  }

  get newestTimeline(): number | undefined {
    return this.#newestTimeline || undefined;
  }

  /** Record one check of `name`: its sample, or undefined when the check failed. */
  record(name: string, sample: ReplicationSample | undefined, latencyMs?: number): ServerState {
    const o = this.#observed.get(name);
    if (!o) throw new Error(`ReplicationTopology has no server "${name}"`);
    const before = this.writeTarget();
    o.checked = true;
    o.sample = sample;
    if (sample) {
      o.timeline = sample.timeline;
      o.latencyMs = latencyMs;
      this.#newestTimeline = Math.max(this.#newestTimeline, sample.timeline);
    }
    this.#chooseLeader();
    const after = this.writeTarget();
    if (after !== before) for (const listener of this.#onWriteTarget) listener(after);
    return this.state(name);
  }

  /** Call `listener` with the new write target each time a check changes it (a server, or undefined for none). */
  onWriteTargetChange(listener: (target: string | undefined) => void): { dispose(): void } {
    this.#onWriteTarget.add(listener);
    return { dispose: () => this.#onWriteTarget.delete(listener) };
  }

  state(name: string): ServerState {
    const o = this.#observed.get(name)!;
    const s = o.sample;
    const primaryLsn = this.#observed.get(this.#leader)?.sample?.currentLsn;
    return {
      role: !o.checked ? undefined : s ? s.role : 'unreachable',
      timeline: o.timeline,
      replayDelayMs: s?.role === 'standby' ? s.replayDelayMs : undefined,
      bytesBehind: s?.role === 'standby' && s.replayLsn && primaryLsn ? lsnBytesBetween(s.replayLsn, primaryLsn) : undefined,
      replayLsn: s?.replayLsn,
      latencyMs: o.latencyMs,
      fenced: this.#fenced(name),
      offTimeline:
        s?.role === 'standby' && s.timeline < this.#newestTimeline
          ? `standby on timeline ${s.timeline} while timeline ${this.#newestTimeline} exists: it does not follow the current primary (no reads until it does)`
          : undefined,
    };
  }

  /**
   * Where a write may go now: the primary when its last check found it writable and not fenced (or
   * before its first check); undefined when no server is known to be a writable primary.
   */
  writeTarget(): string | undefined {
    const o = this.#observed.get(this.#leader)!;
    if (!o.checked) return this.#leader;
    return o.sample?.role === 'primary' && !this.#fenced(this.#leader) ? this.#leader : undefined;
  }

  /**
   * Standbys that may answer a read now: reached by their last check, in recovery on the newest
   * timeline (following the current primary), with a known replay delay of at most `maxLagMs`, and
   * (for read-your-writes) replayed at least to `minLsn`.
   */
  readableStandbys(maxLagMs: number, minLsn?: bigint): string[] {
    return this.servers.filter((name) => {
      const s = this.#observed.get(name)!.sample;
      if (s?.role !== 'standby' || s.timeline < this.#newestTimeline) return false;
      if (s.replayDelayMs === undefined || s.replayDelayMs > maxLagMs) return false;
      return minLsn === undefined || (s.replayLsn !== undefined && lsnToBigInt(s.replayLsn) >= minLsn);
    });
  }

  /** Every server's role in a few words (`primary: unreachable; standby1: standby, timeline 2`), for error messages. */
  describe(): string {
    return this.servers
      .map((n) => {
        const st = this.state(n);
        const what = st.fenced ? 'fenced stale primary' : st.role === undefined ? 'not checked yet' : st.role;
        return `${n}: ${what}${st.timeline === undefined ? '' : `, timeline ${st.timeline}`}`;
      })
      .join('; ');
  }

  /** Servers never to query: fenced ones. */
  isFenced(name: string): boolean {
    return this.#fenced(name) !== undefined;
  }

  /** Why `name` is fenced, or undefined. */
  fencedReason(name: string): string | undefined {
    return this.#observed.has(name) ? this.#fenced(name) : undefined;
  }

  /** Whether the last check found `name` a standby (in recovery). */
  isStandby(name: string): boolean {
    return this.#observed.get(name)?.sample?.role === 'standby';
  }

  #fenced(name: string): string | undefined {
    const o = this.#observed.get(name)!;
    if (o.sample?.role !== 'primary' || o.sample.timeline >= this.#newestTimeline) return undefined;
    return `stale primary: writable on timeline ${o.sample.timeline} while timeline ${this.#newestTimeline} exists (split brain after a failover); it receives no query until it is rebuilt as a standby`;
  }

  #chooseLeader(): void {
    const current = this.#observed.get(this.#leader)!;
    const candidates = this.servers.filter((n) => {
      const s = this.#observed.get(n)!.sample;
      return s?.role === 'primary' && s.timeline === this.#newestTimeline;
    });
    if (candidates.includes(this.#leader)) {
      this.#leaderKnown = true;
      return;
    }
    const newest = candidates[0];
    if (newest === undefined) return; // nobody better: keep the current one (it may come back)
    const s = current.sample;
    const replaced =
      // found in recovery (rebuilt as a standby) or fenced
      s !== undefined ||
      // promoted elsewhere: a newer timeline than the primary was last seen on
      (current.timeline !== undefined && this.#observed.get(newest)!.sample!.timeline > current.timeline) ||
      // the configured primary was never reached and another server was promoted (timeline > 1): it is
      // the primary now (a writable server on timeline 1 was never a standby: a separate database)
      (!this.#leaderKnown && current.checked && current.timeline === undefined && this.#newestTimeline > 1);
    if (replaced) {
      this.#leader = newest;
      this.#leaderKnown = true;
    }
  }
}
