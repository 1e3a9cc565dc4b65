import { currentFallback, ResourceType, type FallbackAttempt, type FallbackContext } from '@rampart/core';
import type { ProviderAdapter } from '../adapters/adapter.js';
import type { AdapterOptions } from '../adapters/adapter-options.js';
import { AnthropicAdapter } from '../adapters/anthropic-adapter.js';
import { OpenAIAdapter } from '../adapters/openai-adapter.js';
import type { ResolvedLlmOptions, ResolvedProvider } from '../config/llm-options.js';
import type { ResilienceManagerLike } from '../config/manager-like.js';
import { LlmAuthError } from '../errors/llm-auth-error.js';
import { LlmBadRequestError } from '../errors/llm-bad-request-error.js';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { LlmError } from '../errors/llm-error.js';
import { LlmOverloadedError } from '../errors/llm-overloaded-error.js';
import { LlmQuotaExceededError } from '../errors/llm-quota-exceeded-error.js';
import { LlmRateLimitError } from '../errors/llm-rate-limit-error.js';
import { QuotaTracker } from '../quota/quota-tracker.js';
import { readRateLimitHeaders } from '../quota/rate-limit-headers.js';
import { LatencyWindow } from '../routing/hedging.js';
import { costOf, ProviderStats } from '../routing/provider-stats.js';
import { routeOrder } from '../routing/route-order.js';
import type { Usage } from '../types.js';

/** One configured provider with its client and quota. */
export interface ProviderEntry {
  readonly config: ResolvedProvider;
  readonly adapter: ProviderAdapter;
  readonly quota: QuotaTracker;
  /** Its last latencies (the hedging delay of `invoke`). */
  readonly latencies: LatencyWindow;
  /** Its last times to a stream's first token (the hedging delay of `stream`). */
  readonly firstTokenLatencies: LatencyWindow;
}

/** The provider and model an attempt uses. */
export interface Selection {
  readonly entry: ProviderEntry;
  readonly model: string;
  readonly degraded: boolean;
}

const API_QUOTA = ResourceType.API_QUOTA;

function adapterFor(p: ResolvedProvider, o: ResolvedLlmOptions): ProviderAdapter {
  const base: AdapterOptions = {
    name: p.name,
    apiKey: p.apiKey,
    baseURL: p.baseURL,
    timeoutMs: p.timeoutMs,
    defaultMaxTokens: o.defaultMaxTokens,
    maxRetryAfterMs: o.maxRetryAfterMs,
    headers: p.headers,
    clock: o.clock,
    client: p.client,
  };
  return p.kind === 'anthropic' ? new AnthropicAdapter(base) : new OpenAIAdapter({ ...base, kind: p.kind });
}

/** The model of `entry` an attempt in `context` uses (degraded once the chain has degraded the service). */
function selection(entry: ProviderEntry, context: FallbackAttempt | FallbackContext | undefined): Selection {
  const degraded = (context?.degradation ?? 0) > 0;
  return { entry, degraded, model: degraded ? entry.config.degradedModel : entry.config.model };
}

function headersOf(err: unknown): Headers | undefined {
  const h = (err as { cause?: { headers?: unknown } } | undefined)?.cause?.headers;
  return h instanceof Headers ? h : undefined;
}

/**
 * The providers of one ResilientLLM and their bookkeeping with the manager: which provider and model
 * an attempt uses (`currentFallback()`, else the manager's primary), the routing order, cooldowns on
 * 429/529/auth, quota from every response's headers, and usage/latency/cost statistics.
 */
export class ProviderPool {
  readonly stats = new ProviderStats();
  readonly #entries = new Map<string, ProviderEntry>();
  readonly #options: ResolvedLlmOptions;
  readonly #manager: ResilienceManagerLike;
  #order: readonly string[];

  constructor(options: ResolvedLlmOptions, manager: ResilienceManagerLike) {
    this.#options = options;
    this.#manager = manager;
    for (const p of options.providers) {
      const entry: ProviderEntry = { config: p, adapter: adapterFor(p, options), quota: new QuotaTracker(options.clock), latencies: new LatencyWindow(), firstTokenLatencies: new LatencyWindow() };
      this.#entries.set(p.name, entry);
      if (options.quotaMonitors) {
        manager.registerApiQuotaMonitor(p.name, () => entry.quota.reading(), options.quotaThresholds ? { thresholds: options.quotaThresholds } : undefined);
      }
    }
    this.#order = Object.freeze(options.providers.map((p) => p.name));
    // the registered list is what a decorated team method's chain walks (its calls reach this LLM
    // through currentFallback()); this LLM's own calls pass their routed list per call
    manager.setProviders(API_QUOTA, [...this.#order]);
    // a @withFallback(API_QUOTA) method may call this LLM: its calls then run inside that method's chain
    manager.expectNestedCalls(API_QUOTA);
  }

  get names(): readonly string[] {
    return [...this.#entries.keys()];
  }

  /** Current quota usage of a provider, percent. */
  quota(name: string): number {
    return this.#entries.get(name)?.quota.usagePercent() ?? 0;
  }

  /**
   * This call's providers, in order: by the routing option, then providers whose quota is critical
   * go last (so the chain turns to another provider before the 429 arrives). Passed to the manager
   * per call (`execute`'s `providers`), so two LLMs on one manager never overwrite each other's list.
   */
  route(promptChars: number): readonly string[] {
    const critical = this.#options.quotaThresholds?.critical ?? 95;
    const ordered = routeOrder(this.#options.routing, this.#options.providers, this.stats, promptChars).map((p) => p.name);
    const hot = (n: string) => this.#entries.get(n)!.quota.usagePercent() >= critical;
    const names = [...ordered.filter((n) => !hot(n)), ...ordered.filter(hot)];
    if (names.some((n, i) => n !== this.#order[i])) this.#order = Object.freeze(names);
    return this.#order;
  }

  /**
   * The API_QUOTA fallback context of a decorated method's invocation running now, when it is one
   * this pool can follow (its provider is one of ours, or unset = the primary).
   */
  context(): FallbackContext | undefined {
    const fb = currentFallback();
    return fb?.resource === API_QUOTA && (fb.provider === undefined || this.#entries.has(fb.provider)) ? fb : undefined;
  }

  /**
   * The provider and model for the running attempt: the attempt's provider (the manager's chain
   * decides), else a decorated method's fallback context, else the routed primary.
   */
  select(attempt?: FallbackAttempt): Selection {
    const context = attempt ?? this.context();
    const name = context?.provider ?? this.#order[0];
    const entry = name === undefined ? undefined : this.#entries.get(name);
    if (!entry) {
      throw new LlmBadRequestError(`The fallback chain chose provider "${String(name)}", which this ResilientLLM does not have`, { provider: String(name), scope: 'provider' });
    }
    return selection(entry, context);
  }

  /**
   * The provider a hedge of an attempt asks: the next one in this call's order that the call has not
   * tried and the manager holds available (not cooling down, its monitor not critical, its breaker not open).
   */
  hedgeFor(tried: readonly Selection[], attempt: FallbackAttempt | undefined): Selection | undefined {
    for (const name of this.#order) {
      if (tried.some((s) => s.entry.config.name === name) || !this.#manager.isProviderAvailable(API_QUOTA, name)) continue;
      return selection(this.#entries.get(name)!, attempt ?? this.context());
    }
    return undefined;
  }

  /** When a request starts, by the manager's clock: pass it to {@link succeeded}. */
  begin(): number {
    return this.#manager.clock.now();
  }

  /**
   * Book a successful answer to a request begun at `begunAt` ({@link begin}): quota from its
   * headers, statistics, and the provider's recovery — unless the provider failed after the request
   * was sent (a 429 that arrived meanwhile keeps its retry-after).
   */
  succeeded(entry: ProviderEntry, headers: Headers | undefined, latencyMs: number, usage: Usage, begunAt: number): number | undefined {
    this.#readQuota(entry, headers);
    const costUsd = costOf(usage, entry.config.pricing);
    this.stats.recordSuccess(entry.config.name, latencyMs, usage, costUsd);
    this.#manager.reportProviderSuccess(API_QUOTA, entry.config.name, { startedAt: begunAt });
    return costUsd;
  }

  /**
   * Book a failed attempt and return the error to throw. 429/529/503 and auth/quota errors put the
   * provider into a cooldown shared by every caller of the manager. The error is thrown as it was
   * created: whether to switch rather than wait out its retry-after is the chain's decision.
   */
  failed(entry: ProviderEntry, err: unknown): unknown {
    const name = entry.config.name;
    if (!(err instanceof LlmError) || err.provider !== name) return err;
    this.stats.recordFailure(name);
    this.#readQuota(entry, headersOf(err));
    if (err instanceof LlmRateLimitError) {
      this.#manager.reportProviderFailure(API_QUOTA, name, { cooldownMs: err.retryAfterMs ?? entry.config.cooldownMs, error: err });
    } else if (err instanceof LlmOverloadedError) {
      // overloaded (529/503) without a retry-after: a brownout a short cooldown outlasts (the
      // manager's transientCooldownMs), not the 429 cooldown a rate limit deserves
      const cooldownMs = err.retryAfterMs ?? Math.min(entry.config.cooldownMs, this.#manager.config.transientCooldownMs);
      this.#manager.reportProviderFailure(API_QUOTA, name, { cooldownMs, error: err });
    } else if (err instanceof LlmConnectionError && err.rampartClassification.providerDown === true) {
      // refused (nothing listens, no route): a probe of it fails in milliseconds, so a short cooldown
      // (the manager's transientCooldownMs) brings traffic back soon after it returns
      this.#manager.reportProviderFailure(API_QUOTA, name, { cooldownMs: Math.min(entry.config.cooldownMs, this.#manager.config.transientCooldownMs), error: err });
    } else if (err instanceof LlmAuthError || err instanceof LlmQuotaExceededError) {
      this.#manager.reportProviderFailure(API_QUOTA, name, { cooldownMs: this.#options.authCooldownMs, error: err });
    }
    return err;
  }

  #readQuota(entry: ProviderEntry, headers: Headers | undefined): void {
    const snapshot = readRateLimitHeaders(headers, this.#options.clock.wallNow());
    if (snapshot) entry.quota.record(snapshot);
  }
}
