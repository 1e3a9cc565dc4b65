import { describe, expect, it } from 'vitest';
import { runDemo } from './scenario.js';

describe('AI SDK team demo', () => {
  it('answers every call from the expected model and never sends a request inside a retry-after', async () => {
    const { lines, report, requests } = await runDemo();
    const by = Object.fromEntries(lines.map((l) => [l.step.split(' ')[0], l]));
    expect(by['1.']!.answeredBy).toBe('openai');
    expect(by['2.']!.answeredBy).toBe('openai');
    expect(by['3.']!.answeredBy).not.toContain('interrupted'); // switched (or retried) before any output
    expect(by['4.']!.answeredBy).toBe('openai (interrupted)');
    expect(by['4.']!.detail).toMatch(/^StreamInterruptedError after "openai\/gpt-4o: /);
    for (const s of ['5.1', '5.2', '5.3']) expect(by[s]!.answeredBy).toBe('anthropic');
    for (const s of ['6.1', '6.2']) expect(by[s]!.answeredBy).toBe('local');
    // steps 1-4: 4 or 5 requests (step 3 may retry openai); the storm: exactly one (the 429)
    expect(requests.openai).toBeLessThanOrEqual(6);
    expect(report.providers.api_quota?.openai).toMatchObject({ available: false, state: 'cooling_down' });
    expect(report.providers.api_quota?.local).toMatchObject({ available: true });
    expect(JSON.stringify(report)).not.toMatch(/sk-demo|sk-ant-demo/);
  }, 60_000);
});
