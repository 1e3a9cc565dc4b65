import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MCP_OFFLINE_PROVIDER, mergeProviders, rankIndex, rankName } from './provider-ranks.js';

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
});
