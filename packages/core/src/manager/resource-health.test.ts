import { describe, expect, it } from 'vitest';
import type { ProviderReport, ResourceReport } from '../health/health-report.js';
import { ResourceStatus } from '../resource/resource-types.js';
import { resourceHealth } from './resource-health.js';

const up: ProviderReport = { available: true, cooldown_remaining_ms: 0, state: 'available' };
const cooling: ProviderReport = { available: false, cooldown_remaining_ms: 1_000, state: 'cooling_down' };
const monitorDown: ProviderReport = { available: false, cooldown_remaining_ms: 0, state: 'monitor_down' };
const reading = (status: ResourceStatus): ResourceReport => ({ status, checked_at: '2026-11-01T12:00:00.000Z', duration_ms: 1 });

describe('resourceHealth', () => {
  it('a type without providers is its worst monitor; with providers, all out → unavailable, some → degraded', () => {
    const { byType, worst } = resourceHealth(
      { api_quota: { openai: cooling, anthropic: up }, database: { primary: cooling, replica1: cooling } },
      { 'memory:process': reading(ResourceStatus.CRITICAL) },
    );
    expect(byType.memory).toEqual({ status: 'critical', reason: 'monitor process critical' });
    expect(byType.api_quota).toEqual({ status: 'degraded', providers_available: 1, providers_total: 2, reason: '1 of 2 providers unavailable: openai cooling_down' });
    expect(byType.database).toMatchObject({ status: 'unavailable', providers_available: 0, reason: 'every provider unavailable: primary cooling_down, replica1 cooling_down' });
    expect(worst).toBe('unavailable');
  });

  it("a provider's own monitor counts through its provider; another monitor reads degraded while a provider it covers is available", () => {
    const providers = { mcp_server: { 'supabase/primary': monitorDown, 'supabase/secondary': up, 'github/primary': cooling } };
    const own = resourceHealth(providers, { 'mcp_server:supabase/primary': reading(ResourceStatus.UNAVAILABLE) });
    expect(own.byType.mcp_server?.status).toBe('degraded');
    // `supabase` covers supabase/…: its secondary is available
    const logical = resourceHealth(providers, { 'mcp_server:supabase': reading(ResourceStatus.UNAVAILABLE) });
    expect(logical.byType.mcp_server?.status).toBe('degraded');
    // `github` covers github/… only, and none of those is available: its reading stands
    const github = resourceHealth(providers, { 'mcp_server:github': reading(ResourceStatus.UNAVAILABLE) });
    expect(github.byType.mcp_server?.status).toBe('unavailable');
  });

  it('pending and degraded readings count as they are, pending below degraded', () => {
    const providers = { api_quota: { openai: up, anthropic: up } };
    expect(resourceHealth(providers, { 'api_quota:openai': reading(ResourceStatus.PENDING) }).worst).toBe('pending');
    expect(resourceHealth(providers, { 'api_quota:openai': reading(ResourceStatus.PENDING), 'api_quota:anthropic': reading(ResourceStatus.DEGRADED) }).worst).toBe('degraded');
    expect(resourceHealth({}, {}).worst).toBe('healthy');
  });
});
