import { ResourceStatus, STATUS_SEVERITY } from '@rampart/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCKER_THRESHOLDS, evaluateContainer, missingContainer } from './container-health.js';
import type { ContainerHealthStatus, ContainerStatus } from './engine-types.js';
import { FakeContainer, type FakeContainerSpec } from './testing/fake-container.js';

const inspect = (spec: Partial<FakeContainerSpec>) => new FakeContainer({ name: 'web', ...spec }, 1).inspect();
const evaluate = (spec: Partial<FakeContainerSpec>, previous?: number) =>
  evaluateContainer(inspect(spec), previous, DEFAULT_DOCKER_THRESHOLDS);

describe('evaluateContainer', () => {
  it('a running container without a health check is healthy', () => {
    const r = evaluate({});
    expect(r).toMatchObject({ name: 'web', status: ResourceStatus.HEALTHY, state: 'running', health: 'none', reasons: [] });
    expect(r.id).toHaveLength(12);
    expect(r.exitCode).toBeUndefined();
  });

  it.each<[ContainerStatus, ResourceStatus]>([
    ['running', ResourceStatus.HEALTHY],
    ['created', ResourceStatus.DEGRADED],
    ['paused', ResourceStatus.DEGRADED],
    ['restarting', ResourceStatus.CRITICAL],
    ['removing', ResourceStatus.CRITICAL],
    ['exited', ResourceStatus.CRITICAL],
    ['dead', ResourceStatus.CRITICAL],
  ])('state %s is %s', (status, expected) => {
    expect(evaluate({ status }).status).toBe(expected);
  });

  it.each<[ContainerHealthStatus, ResourceStatus]>([
    ['healthy', ResourceStatus.HEALTHY],
    ['starting', ResourceStatus.DEGRADED],
    ['unhealthy', ResourceStatus.CRITICAL],
  ])('health %s is %s', (health, expected) => {
    expect(evaluate({ health }).status).toBe(expected);
  });

  it('reports the failing streak of an unhealthy container, and warns while Docker still calls it healthy', () => {
    expect(evaluate({ health: 'unhealthy', failingStreak: 3 }).reasons).toEqual(['health check unhealthy (3 failures in a row)']);
    const warn = evaluate({ health: 'healthy', failingStreak: 1 });
    expect(warn.status).toBe(ResourceStatus.DEGRADED);
    expect(warn.failingStreak).toBe(1);
  });

  it('an exited container reports its exit code and OOMKilled', () => {
    const r = evaluate({ status: 'exited', exitCode: 137, oomKilled: true });
    expect(r).toMatchObject({ status: ResourceStatus.CRITICAL, exitCode: 137, oomKilled: true });
    expect(r.reasons).toContain('container is exited (exit code 137)');
    expect(r.reasons.some((x) => x.includes('OOMKilled'))).toBe(true);
  });

  it('a rising restart count warns, then becomes critical at the threshold', () => {
    expect(evaluate({ restartCount: 5 }).restartsSinceLastCheck).toBe(0);
    expect(evaluate({ restartCount: 5 }, 4)).toMatchObject({ status: ResourceStatus.DEGRADED, restartsSinceLastCheck: 1 });
    expect(evaluate({ restartCount: 7 }, 4)).toMatchObject({ status: ResourceStatus.CRITICAL, restartsSinceLastCheck: 3 });
    expect(evaluate({ restartCount: 4 }, 4).status).toBe(ResourceStatus.HEALTHY);
  });

  it('honours custom thresholds', () => {
    const t = { restartsDegraded: 2, restartsCritical: 10, failingStreakDegraded: 3 };
    expect(evaluateContainer(inspect({ restartCount: 1 }), 0, t).status).toBe(ResourceStatus.HEALTHY);
    expect(evaluateContainer(inspect({ restartCount: 2 }), 0, t).status).toBe(ResourceStatus.DEGRADED);
    expect(evaluateContainer(inspect({ health: 'healthy', failingStreak: 2 }), 0, t).status).toBe(ResourceStatus.HEALTHY);
  });

  it('a missing container is critical', () => {
    expect(missingContainer('db')).toMatchObject({ name: 'db', status: ResourceStatus.CRITICAL, state: 'missing' });
  });

  it('more restarts never make a container look better (property)', () => {
    fc.assert(
      fc.property(fc.nat(20), fc.nat(20), fc.nat(50), (a, b, previous) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const low = evaluate({ restartCount: previous + lo }, previous).status;
        const high = evaluate({ restartCount: previous + hi }, previous).status;
        return STATUS_SEVERITY[high] >= STATUS_SEVERITY[low];
      }),
    );
  });
});
