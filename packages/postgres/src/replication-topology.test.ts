import { ConfigError, ResilienceManager } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { resolveResilientPoolOptions } from './resilient-pool-options.js';
import { PostgresMonitor } from './postgres-monitor.js';
import type { ReplicationSample } from './replication-sample.js';
import { lsnBytesBetween, lsnToBigInt } from './replication-sample.js';
import { ReplicationTopology } from './replication-topology.js';
import { ServerRouting } from './server-routing.js';

const primary = (timeline: number, currentLsn = '0/3000000'): ReplicationSample => ({ role: 'primary', timeline, currentLsn });
const standby = (timeline: number, replayDelayMs = 0, replayLsn = '0/3000000'): ReplicationSample => ({ role: 'standby', timeline, replayDelayMs, replayLsn, receiveLsn: replayLsn });

function topology() {
  const t = new ReplicationTopology(['primary', 'standby1', 'standby2']);
  t.record('primary', primary(1));
  t.record('standby1', standby(1));
  t.record('standby2', standby(1));
  return t;
}

describe('ReplicationTopology', () => {
  it('takes the configured primary before any check, and the checks’ truth after', () => {
    const t = new ReplicationTopology(['a', 'b']);
    expect(t.writeTarget()).toBe('a');
    t.record('a', standby(1));
    t.record('b', primary(1));
    expect(t.leader).toBe('b'); // the configuration was only the starting expectation
    expect(t.writeTarget()).toBe('b');
  });

  it('a configured primary never reached yields to a promoted server (timeline > 1), not to a writable timeline-1 one', () => {
    const t = new ReplicationTopology(['a', 'b']);
    t.record('a', undefined);
    t.record('b', primary(1));
    expect(t.leader).toBe('a');
    expect(t.writeTarget()).toBeUndefined();
    t.record('b', primary(2));
    expect(t.leader).toBe('b');
    expect(t.writeTarget()).toBe('b');
  });

  it('no writes while the primary’s last check failed; it stays primary and takes writes again when back', () => {
    const t = topology();
    t.record('primary', undefined);
    expect(t.writeTarget()).toBeUndefined();
    expect(t.leader).toBe('primary');
    t.record('primary', primary(1));
    expect(t.writeTarget()).toBe('primary');
  });

  it('a promoted standby (newer timeline) becomes the primary; the old one back on its old timeline is fenced', () => {
    const t = topology();
    t.record('primary', undefined);
    t.record('standby1', primary(2));
    expect(t.writeTarget()).toBe('standby1');
    t.record('primary', primary(1));
    expect(t.leader).toBe('standby1');
    expect(t.state('primary').fenced).toMatch(/stale primary: writable on timeline 1 while timeline 2 exists/);
    expect(t.isFenced('primary')).toBe(true);
    // even with the new primary down, the stale one gets nothing
    t.record('standby1', undefined);
    expect(t.writeTarget()).toBeUndefined();
    expect(t.isFenced('primary')).toBe(true);
    // rebuilt as a standby of the new primary: no longer fenced, readable
    t.record('standby1', primary(2));
    t.record('primary', standby(2));
    expect(t.isFenced('primary')).toBe(false);
    expect(t.readableStandbys(1000)).toContain('primary');
  });

  it('a writable server on the same timeline is not taken for a new primary (two databases on one server)', () => {
    const t = new ReplicationTopology(['primary', 'replica1']);
    t.record('primary', primary(1));
    t.record('replica1', primary(1));
    t.record('primary', undefined);
    expect(t.leader).toBe('primary');
    expect(t.writeTarget()).toBeUndefined();
    expect(t.isFenced('replica1')).toBe(false);
  });

  it('bytes behind: the standby’s replay position against the primary’s last WAL position', () => {
    const t = new ReplicationTopology(['p', 's']);
    t.record('p', primary(1, '0/3000100'));
    expect(t.record('s', standby(1, 2000, '0/3000000')).bytesBehind).toBe(0x100);
    expect(lsnToBigInt('1/0')).toBe(1n << 32n);
    expect(lsnBytesBetween('0/10', '0/5')).toBe(0);
  });

  it('describes every server for error messages', () => {
    const t = topology();
    t.record('primary', undefined);
    expect(t.describe()).toBe('primary: unreachable, timeline 1; standby1: standby, timeline 1; standby2: standby, timeline 1');
  });
});

describe('ServerRouting', () => {
  it('reads: standbys within maxReplicaLagMs in round-robin order, then the primary; a lagging standby in no list', () => {
    const t = topology();
    const r = new ServerRouting(t, 'round_robin', 500);
    expect(r.readOrder(undefined)).toEqual(['standby1', 'standby2', 'primary']);
    expect(r.readOrder(undefined)).toEqual(['standby2', 'standby1', 'primary']);
    t.record('standby1', standby(1, 800));
    expect(r.readOrder(undefined)).toEqual(['standby2', 'primary']);
    // received WAL but no transaction replayed yet: lag unknown, no reads
    t.record('standby2', { ...standby(1), replayDelayMs: undefined });
    expect(r.readOrder(undefined)).toEqual(['primary']);
  });

  it('read-your-writes: only standbys replayed past the write, then the primary', () => {
    const t = topology();
    t.record('standby2', standby(1, 0, '0/2000000'));
    const r = new ServerRouting(t, 'round_robin', 500);
    expect(r.readOrder(lsnToBigInt('0/3000000'))).toEqual(['standby1', 'primary']);
    expect(r.readOrder(lsnToBigInt('0/4000000'))).toEqual(['primary']);
  });

  it('a standby still on the old timeline after a promotion gets no reads and says why', () => {
    const t = topology();
    t.record('primary', undefined);
    t.record('standby1', primary(2));
    const r = new ServerRouting(t, 'round_robin', 500);
    // the unreachable old primary stays at the end (its monitor keeps the chain off it)
    expect(r.readOrder(undefined)).toEqual(['standby1', 'primary']);
    expect(t.state('standby2').offTimeline).toMatch(/standby on timeline 1 while timeline 2 exists/);
    t.record('standby2', standby(2));
    expect(r.readOrder(undefined)).toEqual(['standby2', 'standby1', 'primary']);
  });

  it('least_latency puts the fastest first', () => {
    const r = new ServerRouting(topology(), 'least_latency', 500);
    r.observe('standby1', 9);
    r.observe('standby2', 2);
    expect(r.readOrder(undefined)).toEqual(['standby2', 'standby1', 'primary']);
  });

  it('writes: the writable primary only; none known → undefined; with allowWriteFailover the others after it, never a fenced one', () => {
    const t = topology();
    const r = new ServerRouting(t, 'random', 500);
    expect(r.writeOrder(false)).toEqual(['primary']);
    expect(r.writeOrder(true)).toEqual(['primary', 'standby1', 'standby2']);
    t.record('primary', undefined);
    expect(r.writeOrder(false)).toBeUndefined();
    t.record('standby1', primary(2));
    t.record('primary', primary(1));
    expect(r.writeOrder(true)).toEqual(['standby1', 'standby2']);
    expect(r.readOrder(undefined)).not.toContain('primary');
  });
});

describe('options', () => {
  const manager = new ResilienceManager('opts', { env: { RAMPART_LOG_LEVEL: 'silent' } });
  it.each([
    [{ maxReplicaLagMs: -1 }, 'maxReplicaLagMs'],
    [{ readBalancing: 'fastest' }, 'readBalancing'],
    [{ readYourWrites: 'yes' }, 'readYourWrites'],
  ])('rejects %j with a ConfigError naming %s', (extra, path) => {
    const error = (() => {
      try {
        resolveResilientPoolOptions({ manager, primary: 'postgres://h/db', ...(extra as object) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });

  it('a monitor’s topology must know its server', () => {
    expect(() => new PostgresMonitor({ name: 'x', connectionString: 'postgres://h/db', topology: new ReplicationTopology(['a']) })).toThrow(ConfigError);
    expect(() => new PostgresMonitor({ name: 'x', connectionString: 'postgres://h/db', topology: {} as ReplicationTopology })).toThrow(/must be a ReplicationTopology/);
  });
});
