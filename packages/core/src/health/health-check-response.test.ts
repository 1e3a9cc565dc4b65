import { describe, expect, it } from 'vitest';
import { ResourceStatus } from '../resource/resource-types.js';
import { CHECKED, entry, reportInput, T0 } from './__fixtures__/report-input.js';
import { healthCheckStatus, toHealthCheckResponse } from './health-check-response.js';
import { buildHealthReport, type HealthReportInput } from './health-report.js';

const report = (over: Partial<HealthReportInput> = {}) => buildHealthReport(reportInput({ uptimeMs: 90_000, ...over }));

describe('healthCheckStatus', () => {
  it('maps healthy → pass, pending and degraded → warn, critical and unavailable → fail', () => {
    expect(Object.values(ResourceStatus).map(healthCheckStatus)).toEqual(['pass', 'warn', 'warn', 'fail', 'fail']);
  });
});

describe('toHealthCheckResponse', () => {
  it('a healthy team passes: one check per monitor, system figure, circuit and queue, without output', () => {
    const r = report({
      resources: { 'database:primary': entry(ResourceStatus.HEALTHY, { usage: 40 }), 'network:api': entry(ResourceStatus.HEALTHY, { details: { latencyMs: 12 } }) },
      circuits: [{ name: 'crm_api', state: 'closed', successRate: 0.9, failureRate: 0.1, calls: 10, failures: 1, rejections: 0, halfOpenAt: undefined }],
      queues: { api_quota: { size: 0, max_size: 10, oldest_age_ms: 0 } },
    });
    const body = toHealthCheckResponse([r]);
    const time = r.timestamp;
    expect(body).toEqual({
      status: 'pass',
      description: 'Rampart health of marketing-team',
      notes: ['marketing-team: healthy'],
      checks: {
        'database:primary': [{ componentId: 'marketing-team', componentType: 'datastore', status: 'pass', observedValue: 40, observedUnit: '%', time: CHECKED }],
        'network:api': [{ componentId: 'marketing-team', componentType: 'component', status: 'pass', observedValue: 12, observedUnit: 'ms', time: CHECKED }],
        'system:uptime': [{ componentId: 'marketing-team', componentType: 'system', status: 'pass', observedValue: 90, observedUnit: 's', time }],
        'system:errorRate': [{ componentId: 'marketing-team', componentType: 'system', status: 'pass', observedValue: 2, observedUnit: '%', time }],
        'circuit:crm_api': [{ componentId: 'marketing-team', componentType: 'component', status: 'pass', observedValue: 10, observedUnit: '%', time }],
        'queue:api_quota': [{ componentId: 'marketing-team', componentType: 'component', status: 'pass', observedValue: 0, observedUnit: 'requests', time }],
      },
      rampartReports: [r],
    });
  });

  it('degraded warns and says why; critical or unavailable fails', () => {
    const open = { name: 'llm', state: 'open' as const, successRate: 0, failureRate: 1, calls: 5, failures: 5, rejections: 2, halfOpenAt: T0 + 60_000 };
    const warn = toHealthCheckResponse([
      report({ resources: { 'memory:process': entry(ResourceStatus.DEGRADED, { usage: 85 }) }, worstResource: ResourceStatus.DEGRADED, circuits: [open] }),
    ]);
    expect(warn.status).toBe('warn');
    expect(warn.checks['memory:process']?.[0]).toMatchObject({ componentType: 'system', status: 'warn', output: 'degraded' });
    expect(warn.checks['circuit:llm']?.[0]).toMatchObject({ status: 'warn', output: 'circuit open until 2026-11-01T12:01:00.000Z' });
    expect(warn.output).toBe('marketing-team: degraded (memory:process warn, circuit:llm warn)');

    const fail = toHealthCheckResponse([
      report({ resources: { 'database:primary': entry(ResourceStatus.UNAVAILABLE, { error: 'connect ECONNREFUSED' }) }, worstResource: ResourceStatus.UNAVAILABLE, calls: 20, failures: 12 }),
    ]);
    expect(fail.status).toBe('fail');
    expect(fail.checks['database:primary']?.[0]).toMatchObject({ status: 'fail', output: 'connect ECONNREFUSED' });
    expect(fail.checks['system:errorRate']?.[0]).toMatchObject({ status: 'fail', observedValue: 60, output: '20 calls in the last minute, 60% failed' });
    expect(fail.checks['system:uptime']?.[0]?.status).toBe('pass');
  });

  it('each resource type is a check: providers available, and why it is worse; a pending monitor warns', () => {
    const body = toHealthCheckResponse([
      report({
        resources: { 'mcp_server:supabase': entry(ResourceStatus.PENDING, { details: { reason: 'no server to check' } }) },
        resourceHealth: {
          mcp_server: { status: ResourceStatus.PENDING },
          api_quota: { status: ResourceStatus.DEGRADED, providers_available: 1, providers_total: 2, reason: '1 of 2 providers unavailable: openai cooling_down' },
        },
        worstResource: ResourceStatus.DEGRADED,
      }),
    ]);
    expect(body.status).toBe('warn');
    expect(body.checks['mcp_server:supabase']?.[0]).toMatchObject({ status: 'warn', output: 'pending: no server to check' });
    expect(body.checks['resource:mcp_server']?.[0]).toEqual({ componentId: 'marketing-team', componentType: 'component', status: 'warn', time: body.rampartReports[0]!.timestamp, output: 'pending' });
    expect(body.checks['resource:api_quota']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 1,
      observedUnit: 'providers available',
      output: '1 of 2 providers unavailable: openai cooling_down',
    });
  });

  it('several teams: one entry per team under a shared key, the worst team decides', () => {
    const a = report({ team: 'a', resources: { 'api_quota:openai': entry(ResourceStatus.HEALTHY, { usage: 10 }) } });
    const b = report({ team: 'b', resources: { 'api_quota:openai': entry(ResourceStatus.CRITICAL, { usage: 97 }) }, worstResource: ResourceStatus.CRITICAL });
    const body = toHealthCheckResponse([a, b], { description: 'agents', serviceId: 'svc-1', version: '2', releaseId: '2.0.1' });
    expect(body.status).toBe('fail');
    expect(body.checks['api_quota:openai']?.map((c) => [c.componentId, c.status, c.observedValue])).toEqual([
      ['a', 'pass', 10],
      ['b', 'fail', 97],
    ]);
    expect(body).toMatchObject({ description: 'agents', serviceId: 'svc-1', version: '2', releaseId: '2.0.1', notes: ['a: healthy', 'b: critical'] });
    expect(body.rampartReports.map((r) => r.team)).toEqual(['a', 'b']);
  });

  it('a source whose report failed adds a failing rampart:report check', () => {
    const body = toHealthCheckResponse([report()], {}, [{ source: 'billing', error: 'boom', time: CHECKED }]);
    expect(body.status).toBe('fail');
    expect(body.checks['rampart:report']).toEqual([{ componentId: 'billing', componentType: 'component', status: 'fail', time: CHECKED, output: 'boom' }]);
    expect(body.output).toBe('billing: report failed: boom');
  });
});
