import { describe, expect, it } from 'vitest';
import { requestCacheKey } from './cache-key.js';

describe('requestCacheKey', () => {
  const request = { system: 's', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0.2 };

  it('is the same for the same content whatever the key order, and team-scoped', () => {
    const reordered = { temperature: 0.2, messages: [{ content: 'hi', role: 'user' as const }], system: 's' };
    expect(requestCacheKey('t', request)).toBe(requestCacheKey('t', reordered));
    expect(requestCacheKey('t', request)).toMatch(/^llm:t:[0-9a-f]{64}$/);
    expect(requestCacheKey('other', request)).not.toBe(requestCacheKey('t', request));
  });

  it('differs when any model-independent content differs', () => {
    const base = requestCacheKey('t', request);
    expect(requestCacheKey('t', { ...request, temperature: 0.3 })).not.toBe(base);
    expect(requestCacheKey('t', { ...request, system: 'x' })).not.toBe(base);
    expect(requestCacheKey('t', { ...request, maxTokens: 5 })).not.toBe(base);
    expect(requestCacheKey('t', { ...request, tools: [{ name: 'f', parameters: {} }] })).not.toBe(base);
    expect(requestCacheKey('t', { ...request, messages: [{ role: 'user', content: 'ho' }] })).not.toBe(base);
  });
});
