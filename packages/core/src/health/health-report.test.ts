import { describe, expect, it } from 'vitest';
import { ResourceStatus } from '../resource/resource-types.js';
import { entry, reportInput, T0 } from './__fixtures__/report-input.js';
import { buildHealthReport, systemStatus } from './health-report.js';

describe('buildHealthReport', () => {
  it('has the seed shape with snake_case keys', () => {
    const report = buildHealthReport(
      reportInput({
        resources: { 'api_quota:openai': entry(ResourceStatus.DEGRADED, { usage: 85.5, details: { remaining: 145, limit: 1000 } }) },
        worstResource: ResourceStatus.DEGRADED,
        circuits: [{ name: 'database_query', state: 'closed', successRate: 0.98, failureRate: 0.02, calls: 50, failures: 1, rejections: 0, halfOpenAt: undefined }],
      }),
    );
    expect(report).toEqual({
      team: 'marketing-team',
      overall_health: 'degraded',
      timestamp: '2026-11-01T12:00:00.000Z',
      components: { system: { status: 'healthy', uptime: 3600, error_rate: 0.02, calls: 100 } },
      resources: {
        'api_quota:openai': { status: 'degraded', usage: 85.5, checked_at: '2026-11-01T11:59:59.000Z', duration_ms: 3, details: { remaining: 145, limit: 1000 } },
      },
      circuits: { database_query: { state: 'closed', success_rate: 0.98, failure_rate: 0.02, calls: 50, failures: 1, rejections: 0 } },
      queues: {},
      providers: {},
      resource_health: {},
    });
  });

  it('overall_health is the worst resource status', () => {
    expect(buildHealthReport(reportInput({ worstResource: ResourceStatus.UNAVAILABLE })).overall_health).toBe('unavailable');
    expect(buildHealthReport(reportInput({ worstResource: ResourceStatus.CRITICAL, calls: 100, failures: 20 })).overall_health).toBe('critical');
  });

  it('an open or half-open circuit, or a non-empty queue, makes the team degraded, never worse', () => {
    const open = { name: 'x', state: 'open' as const, successRate: 0, failureRate: 1, calls: 5, failures: 5, rejections: 9, halfOpenAt: T0 + 60_000 };
    const r = buildHealthReport(reportInput({ circuits: [open] }));
    expect(r.overall_health).toBe('degraded');
    expect(r.circuits.x?.half_open_at).toBe('2026-11-01T12:01:00.000Z');
    expect(buildHealthReport(reportInput({ circuits: [{ ...open, state: 'half_open', halfOpenAt: undefined }] })).overall_health).toBe('degraded');
    expect(buildHealthReport(reportInput({ queues: { api_quota: { size: 3, max_size: 10, oldest_age_ms: 5 } } })).overall_health).toBe('degraded');
    expect(buildHealthReport(reportInput({ queues: { api_quota: { size: 0, max_size: 10, oldest_age_ms: 0 } } })).overall_health).toBe('healthy');
  });

  it('the system component follows the error rate once there are enough calls', () => {
    expect(systemStatus(9, 9)).toBe('healthy');
    expect(systemStatus(100, 9)).toBe('healthy');
    expect(systemStatus(100, 10)).toBe('degraded');
    expect(systemStatus(100, 50)).toBe('critical');
    const r = buildHealthReport(reportInput({ calls: 20, failures: 12 }));
    expect(r.components.system).toEqual({ status: 'critical', uptime: 3600, error_rate: 0.6, calls: 20 });
    expect(r.overall_health).toBe('critical');
    expect(buildHealthReport(reportInput({ calls: 0, failures: 0 })).components.system.error_rate).toBe(0);
  });
});
