import { describe, expect, it } from 'vitest';
import { runDemo } from './scenario.js';

describe('MarketingTeam demo', () => {
  it('answers every call through the expected strategy and reports what happened', async () => {
    const { lines, report, simulated } = await runDemo({ simulate: true });
    const by = Object.fromEntries(lines.map((l) => [l.step.slice(0, 2), l]));
    expect(simulated).toBe(true);
    expect(lines.every((l) => l.answeredBy !== 'failed')).toBe(true);
    expect(by['1.']!.answeredBy).toBe('primary');
    expect(by['1.']!.detail).toMatch(/^openai\//);
    expect(by['2.']!.detail).toMatch(/^anthropic\//);
    expect(by['3.']!.detail).toMatch(/^local\//);
    expect(by['4.']!.answeredBy).toBe('use_cache');
    expect(by['5.']!.answeredBy).toMatch(/^queue_request/);
    expect(by['7.']!.answeredBy).toBe('use_cache');
    expect(by['8.']!.answeredBy).toBe('degrade_service');
    expect(report.team).toBe('marketing-team');
    expect(Object.keys(report.resources)).toEqual(expect.arrayContaining(['api_quota:openai', 'memory:worker-pool']));
    // the report agrees with what calls met: openai is out for its 60 s retry-after, so the team is degraded
    expect(report.overall_health).toBe('degraded');
    expect(report.resource_health.api_quota?.status).toBe('degraded');
    expect(report.providers.api_quota?.openai).toMatchObject({ available: false, state: 'cooling_down', why: expect.stringMatching(/429/) });
    expect(report.providers.api_quota?.local).toMatchObject({ available: true, state: 'available' });
    expect(JSON.stringify(report)).not.toMatch(/sk-demo|sk-ant-demo/);
  }, 60_000);
});
