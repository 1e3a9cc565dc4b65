import { describe, expect, it } from 'vitest';
import type { ResolvedProvider } from '../config/llm-options.js';
import { costOf, ProviderStats } from './provider-stats.js';
import { routeOrder } from './route-order.js';

const provider = (name: string, extra: Partial<ResolvedProvider> = {}): ResolvedProvider => ({
  name,
  kind: 'openai',
  model: 'm',
  degradedModel: 'm',
  apiKey: 'k',
  baseURL: undefined,
  timeoutMs: 1000,
  weight: 1,
  cooldownMs: 0,
  pricing: undefined,
  headers: undefined,
  client: undefined,
  ...extra,
});
const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });
const names = (ps: readonly ResolvedProvider[]) => ps.map((p) => p.name);

describe('routeOrder', () => {
  const a = provider('a', { pricing: { inputPerMillionUsd: 10, outputPerMillionUsd: 30 } });
  const b = provider('b', { pricing: { inputPerMillionUsd: 1, outputPerMillionUsd: 2 } });
  const c = provider('c');

  it('keeps the configured order for `order`', () => {
    expect(names(routeOrder('order', [a, b, c], new ProviderStats(), 100))).toEqual(['a', 'b', 'c']);
  });

  it('puts the cheapest first for `cost`, unpriced providers last', () => {
    expect(names(routeOrder('cost', [c, a, b], new ProviderStats(), 400))).toEqual(['b', 'a', 'c']);
  });

  it('uses recorded output sizes: a provider that writes long answers costs more', () => {
    const stats = new ProviderStats();
    const cheapButVerbose = provider('v', { pricing: { inputPerMillionUsd: 1, outputPerMillionUsd: 10 } });
    const pricierButTerse = provider('t', { pricing: { inputPerMillionUsd: 2, outputPerMillionUsd: 20 } });
    stats.recordSuccess('v', 10, usage(10, 1000), undefined);
    stats.recordSuccess('t', 10, usage(10, 10), undefined);
    expect(names(routeOrder('cost', [cheapButVerbose, pricierButTerse], stats, 40))).toEqual(['t', 'v']);
  });

  it('puts the fastest first for `latency`, unmeasured providers before measured ones, weight dividing the score', () => {
    const stats = new ProviderStats();
    stats.recordSuccess('a', 300, usage(1, 1), undefined);
    stats.recordSuccess('b', 100, usage(1, 1), undefined);
    expect(names(routeOrder('latency', [a, b, c], stats, 10))).toEqual(['c', 'b', 'a']);
    const heavyA = { ...a, weight: 4 };
    stats.recordSuccess('c', 200, usage(1, 1), undefined);
    expect(names(routeOrder('latency', [heavyA, b, c], stats, 10))).toEqual(['a', 'b', 'c']);
  });
});

describe('ProviderStats', () => {
  it('records calls, failures, tokens, cost and a moving latency average', () => {
    const stats = new ProviderStats();
    stats.recordSuccess('p', 100, usage(10, 20), costOf(usage(10, 20), { inputPerMillionUsd: 1_000_000, outputPerMillionUsd: 2_000_000 }));
    stats.recordFailure('p');
    stats.recordSuccess('p', 200, usage(1, 2), 0.5);
    expect(stats.get('p')).toEqual({ calls: 3, failures: 1, inputTokens: 11, outputTokens: 22, costUsd: 50.5, latencyMs: 130, meanOutputTokens: 11 });
    expect(costOf(usage(1, 1), undefined)).toBeUndefined();
  });
});
