import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

describe('postgres-replicas example', () => {
  it('fails reads over to the replica, refuses writes, and returns to the primary', async () => {
    const lines: string[] = [];
    await runScenario({ adminUrl: process.env.RAMPART_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', cooldownMs: 200, log: (l) => lines.push(l) });
    expect(lines[1]).toContain('answered by rampart_example_primary');
    expect(lines[3]).toContain('answered by rampart_example_replica1');
    expect(lines[4]).toContain('refused');
    expect(lines[5]).toContain('primary unavailable');
    expect(lines[6]).toContain('answered by rampart_example_primary');
  });
});
