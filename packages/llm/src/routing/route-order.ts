import type { ResolvedProvider, Routing } from '../config/llm-options.js';
import type { ProviderStats } from './provider-stats.js';

/** Output tokens assumed for a provider that has not answered yet (cost routing). */
const ASSUMED_OUTPUT_TOKENS = 256;

/** Characters per token, for estimating a prompt's input tokens without a tokenizer. */
const CHARS_PER_TOKEN = 4;

/**
 * Order providers for a call. `order`: as configured. `latency`: lowest mean latency ÷ weight first;
 * providers without a sample come first (each is measured once). `cost`: lowest estimated cost of
 * this request ÷ weight first (input estimated from its length, output from the provider's mean);
 * providers without pricing come last. Ties keep the configured order.
 */
export function routeOrder(
  routing: Routing,
  providers: readonly ResolvedProvider[],
  stats: ProviderStats,
  promptChars: number,
): readonly ResolvedProvider[] {
  if (routing === 'order' || providers.length < 2) return providers;
  const score = (p: ResolvedProvider): number => {
    const s = stats.get(p.name);
    if (routing === 'latency') return s?.latencyMs === undefined ? -1 : s.latencyMs / p.weight;
    if (!p.pricing) return Number.POSITIVE_INFINITY;
    const input = promptChars / CHARS_PER_TOKEN;
    const output = s?.meanOutputTokens ?? ASSUMED_OUTPUT_TOKENS;
    return (input * p.pricing.inputPerMillionUsd + output * p.pricing.outputPerMillionUsd) / p.weight;
  };
  return providers
    .map((p, i) => ({ p, i, score: score(p) }))
    .sort((a, b) => (a.score === b.score ? a.i - b.i : a.score < b.score ? -1 : 1))
    .map((x) => x.p);
}
