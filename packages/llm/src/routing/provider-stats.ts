import type { ProviderPricing } from '../config/llm-options.js';
import type { Usage } from '../types.js';

/** What one provider has done so far. */
export interface ProviderStatsSnapshot {
  calls: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the estimated cost of its answers (0 without pricing). */
  costUsd: number;
  /** Exponentially weighted mean latency of successful calls, ms (undefined before the first). */
  latencyMs: number | undefined;
  /** Mean output tokens per answer (undefined before the first). */
  meanOutputTokens: number | undefined;
}

/** Weight of the newest latency sample in the moving average. */
const EWMA_ALPHA = 0.3;

/** Estimated cost of a call in USD, or undefined without pricing. */
export function costOf(usage: Usage, pricing: ProviderPricing | undefined): number | undefined {
  if (!pricing) return undefined;
  return (usage.inputTokens * pricing.inputPerMillionUsd + usage.outputTokens * pricing.outputPerMillionUsd) / 1_000_000;
}

/** Usage, cost and latency per provider, recorded from every answer (the input of latency/cost routing). */
export class ProviderStats {
  readonly #stats = new Map<string, ProviderStatsSnapshot>();

  #entry(provider: string): ProviderStatsSnapshot {
    let s = this.#stats.get(provider);
    if (!s) {
      s = { calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: undefined, meanOutputTokens: undefined };
      this.#stats.set(provider, s);
    }
    return s;
  }

  recordSuccess(provider: string, latencyMs: number, usage: Usage, costUsd: number | undefined): void {
    const s = this.#entry(provider);
    s.calls++;
    s.inputTokens += usage.inputTokens;
    s.outputTokens += usage.outputTokens;
    s.costUsd += costUsd ?? 0;
    s.latencyMs = s.latencyMs === undefined ? latencyMs : s.latencyMs + EWMA_ALPHA * (latencyMs - s.latencyMs);
    const answered = s.calls - s.failures;
    s.meanOutputTokens = s.outputTokens / Math.max(1, answered);
  }

  recordFailure(provider: string): void {
    const s = this.#entry(provider);
    s.calls++;
    s.failures++;
  }

  get(provider: string): Readonly<ProviderStatsSnapshot> | undefined {
    return this.#stats.get(provider);
  }

  /** A copy of every provider's numbers. */
  snapshot(): Record<string, ProviderStatsSnapshot> {
    return Object.fromEntries([...this.#stats].map(([k, v]) => [k, { ...v }]));
  }
}
