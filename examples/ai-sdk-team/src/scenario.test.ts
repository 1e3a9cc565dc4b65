import { describe, expect, it } from 'vitest';
import { runDemo } from './scenario.js';

describe('AI SDK team demo', () => {
  it('answers every call from the expected model (hang, refused port, 429 storm, 503) and never sends a request inside a retry-after', async () => {
    const { lines, report, requests } = await runDemo();
    const by = Object.fromEntries(lines.map((l) => [l.step.split(' ')[0], l]));
    expect(by['1.']!.answeredBy).toBe('openai');
    expect(by['2.']!.answeredBy).toBe('openai');
    expect(by['3.']!.answeredBy).not.toContain('interrupted'); // switched (or retried) before any output
    expect(by['4.']!.answeredBy).toBe('openai (interrupted)');
    expect(by['4.']!.detail).toMatch(/^StreamInterruptedError after "openai\/gpt-4o: /);
    expect(by['5.']!.answeredBy).toBe('anthropic'); // the hang, given up after the 2 s attempt timeout
    for (const s of ['6.1', '6.2']) expect(by[s]!.answeredBy).toBe('anthropic'); // refused: switched at once
    expect(by['7.']!.answeredBy).toBe('openai'); // traffic back once openai listens again
    for (const s of ['8.1', '8.2', '8.3']) expect(by[s]!.answeredBy).toBe('anthropic');
    for (const s of ['9.1', '9.2']) expect(by[s]!.answeredBy).toBe('local');
    // steps 1-4: 4 or 5 requests (step 3 may retry openai); 5: the hang; 6: none reach the mock (refused);
    // 7: the answer; the storm: exactly one (the 429)
    expect(requests.openai).toBeLessThanOrEqual(8);
    expect(report.providers.api_quota?.openai).toMatchObject({ available: false, state: 'cooling_down' });
    expect(report.providers.api_quota?.local).toMatchObject({ available: true });
    expect(JSON.stringify(report)).not.toMatch(/sk-demo|sk-ant-demo/);
  }, 60_000);
});
