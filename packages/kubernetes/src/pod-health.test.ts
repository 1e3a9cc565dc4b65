import { ResourceStatus, STATUS_SEVERITY } from '@rampart/core';
import type { V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POD_THRESHOLDS, evaluatePod, podRestarts } from './pod-health.js';
import { makePod, type FakePodSpec } from './testing/fake-pod.js';

const pod = (spec: Partial<FakePodSpec>) => makePod('shop', { name: 'web-1', ...spec }) as V1Pod;
const evaluate = (spec: Partial<FakePodSpec>, previous?: number) => evaluatePod(pod(spec), previous, DEFAULT_POD_THRESHOLDS);

describe('evaluatePod', () => {
  it('a Running, Ready pod is healthy', () => {
    expect(evaluate({})).toMatchObject({ name: 'web-1', status: ResourceStatus.HEALTHY, phase: 'Running', ready: true, reasons: [] });
  });

  it.each<[FakePodSpec['phase'], ResourceStatus]>([
    ['Succeeded', ResourceStatus.HEALTHY],
    ['Pending', ResourceStatus.DEGRADED],
    ['Failed', ResourceStatus.CRITICAL],
    ['Unknown', ResourceStatus.CRITICAL],
  ])('phase %s is %s', (phase, expected) => {
    expect(evaluate({ phase }).status).toBe(expected);
  });

  it('a Running pod that is not Ready is degraded', () => {
    expect(evaluate({ containers: [{ name: 'app', ready: false }] })).toMatchObject({ status: ResourceStatus.DEGRADED, ready: false, reasons: ['not Ready'] });
  });

  it.each(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'])('%s is critical', (reason) => {
    const r = evaluate({ containers: [{ name: 'app', waitingReason: reason }] });
    expect(r.status).toBe(ResourceStatus.CRITICAL);
    expect(r.waiting).toEqual([`app: ${reason}`]);
  });

  it('ContainerCreating is only a wait (degraded via readiness), not critical', () => {
    const r = evaluate({ phase: 'Pending', containers: [{ name: 'app', waitingReason: 'ContainerCreating' }] });
    expect(r.status).toBe(ResourceStatus.DEGRADED);
  });

  it('reports OOMKilled from the last termination', () => {
    const r = evaluate({ containers: [{ name: 'app', restartCount: 1, lastTerminatedReason: 'OOMKilled' }] });
    expect(r).toMatchObject({ oomKilled: true, status: ResourceStatus.DEGRADED });
  });

  it('sums restarts over containers and warns when they rise', () => {
    const spec = { containers: [{ name: 'app', restartCount: 2 }, { name: 'sidecar', restartCount: 1 }] };
    expect(podRestarts(pod(spec))).toBe(3);
    expect(evaluate(spec).restartsSinceLastCheck).toBe(0);
    expect(evaluate(spec, 2)).toMatchObject({ status: ResourceStatus.DEGRADED, restartsSinceLastCheck: 1 });
    expect(evaluate(spec, 0)).toMatchObject({ status: ResourceStatus.CRITICAL, restartsSinceLastCheck: 3 });
  });

  it('more restarts never make a pod look better (property)', () => {
    fc.assert(
      fc.property(fc.nat(10), fc.nat(10), fc.nat(20), (a, b, prev) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const s = (n: number) => evaluate({ containers: [{ name: 'app', restartCount: prev + n }] }, prev).status;
        return STATUS_SEVERITY[s(hi)] >= STATUS_SEVERITY[s(lo)];
      }),
    );
  });
});
