import { describe, expect, it } from 'vitest';
import { runFailoverDemo } from './failover-demo.js';

describe('mcp-failover example', () => {
  it('moves Primary → Secondary → offline responder and back to the primary', async () => {
    const { steps, health } = await runFailoverDemo({ providerCooldownMs: 300 });
    expect(steps.map((s) => s.answeredBy)).toEqual(['primary', 'secondary', 'offline responder', 'primary']);
    expect(health.resources['mcp_server:supabase']).toMatchObject({ status: 'healthy' });
  });
});
