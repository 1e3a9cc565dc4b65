import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MCP_OFFLINE_PROVIDER, mergeProviders, qualifiedProviders, rankIndex, rankName, targetOf } from './provider-ranks.js';

describe('provider ranks', () => {
  it('names the first ranks as the seed does', () => {
    expect([0, 1, 2, 3].map(rankName)).toEqual(['primary', 'secondary', 'fallback3', 'fallback4']);
    expect(rankIndex('mock')).toBeUndefined();
    expect(rankIndex('fallback1')).toBeUndefined();
    expect(rankIndex('fallback03')).toBeUndefined();
  });

  it('round-trips every index (property)', () => {
    fc.assert(fc.property(fc.nat(10_000), (i) => rankIndex(rankName(i)) === i));
  });

  it('merges ranks, keeps other names, puts the offline provider last', () => {
    expect(mergeProviders([], 2, true)).toEqual(['primary', 'secondary', MCP_OFFLINE_PROVIDER]);
    expect(mergeProviders(['primary', 'secondary', 'mock'], 1, false)).toEqual(['primary', 'secondary', 'mock']);
    expect(mergeProviders(['mock', 'x', 'fallback4'], 1, false)).toEqual(['primary', 'secondary', 'fallback3', 'fallback4', 'x', 'mock']);
  });

  it("qualifies each logical server's providers and reads them back (also bare ranks, never another server's)", () => {
    expect(qualifiedProviders('supabase', 2, true)).toEqual(['supabase/primary', 'supabase/secondary', 'supabase/mock']);
    expect(qualifiedProviders('org/db', 3, false)).toEqual(['org/db/primary', 'org/db/secondary', 'org/db/fallback3']);
    expect(Object.isFrozen(qualifiedProviders('x', 1, false))).toBe(true);
    expect(targetOf('supabase', 'supabase/secondary')).toEqual({ kind: 'endpoint', index: 1 });
    expect(targetOf('supabase', 'supabase/mock')).toEqual({ kind: 'offline' });
    expect(targetOf('supabase', 'fallback3')).toEqual({ kind: 'endpoint', index: 2 });
    expect(targetOf('supabase', 'mock')).toEqual({ kind: 'offline' });
    expect(targetOf('supabase', 'github/primary')).toBeUndefined();
    expect(targetOf('org', 'org/db/primary')).toBeUndefined();
    expect(targetOf('org/db', 'org/db/primary')).toEqual({ kind: 'endpoint', index: 0 });
  });

  it('round-trips qualified names for any server name (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (server, n, offline) => {
        const names = qualifiedProviders(server, n, offline);
        return names.every((p, i) => {
          const t = targetOf(server, p);
          return i < n ? t?.kind === 'endpoint' && t.index === i : t?.kind === 'offline';
        });
      }),
    );
  });
});
