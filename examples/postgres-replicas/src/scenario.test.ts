import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

describe('postgres-replicas example', () => {
  it('spreads reads, refuses writes without a primary, follows the promotion and fences the old primary', async () => {
    const lines: string[] = [];
    await runScenario({ log: (l) => lines.push(l) });
    expect(lines[0]).toContain('primary primary (timeline 1), standby1 standby (timeline 1), standby2 standby (timeline 1)');
    expect(lines[1]).toContain('4 reads answered by: standby1, standby2, standby1, standby2; a write: written on primary');
    expect(lines[2]).toMatch(/primary killed \(database:primary unavailable\): reads answered by: standby\d, standby\d/);
    expect(lines[3]).toContain('refused at once: Write not sent: no server is known to be a writable primary');
    expect(lines[4]).toContain('standby1 primary (timeline 2)');
    // standby2 still follows the dead primary's timeline 1: no reads for it
    expect(lines[5]).toContain('a write: written on standby1; reads answered by: standby1, standby1');
    expect(lines[6]).toContain('primary FENCED (timeline 1)');
    expect(lines[6]).toContain('database:primary critical: stale primary: writable on timeline 1 while timeline 2 exists');
    expect(lines[7]).toContain('a write: written on standby1; reads answered by: standby1, standby1');
    expect(lines[7]).not.toMatch(/answered by: .*\bprimary\b/);
    expect(lines[8]).toContain('primary standby (timeline 2)');
    expect(lines[9]).toMatch(/4 reads answered by: (primary|standby2), (primary|standby2), (primary|standby2), (primary|standby2); a write: written on standby1/);
  }, 60_000);
});
