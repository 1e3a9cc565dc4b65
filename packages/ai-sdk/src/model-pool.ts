import { classifyError, currentFallback, ResourceType, type FallbackAttempt, type ResilienceManager } from '@rampart/core';
import { aiSdkFailureKind } from '@rampart/core/internal';
import { QuotaTracker, readRateLimitHeaders } from '@rampart/llm';
import { ModelSkippedError } from './errors/model-skipped-error.js';
import { LatencyWindow } from './hedge.js';
import type { ResolvedModelEntry, ResolvedModelOptions } from './options.js';
import type { LanguageModelLike } from './types.js';

const API_QUOTA = ResourceType.API_QUOTA;

/** One model with its quota, read from every answer's rate-limit headers. */
export interface PoolEntry {
  readonly config: ResolvedModelEntry;
  readonly quota: QuotaTracker;
  /** Latencies of its last requests (hedging's delay; recorded by the hedging). */
  readonly latencies: LatencyWindow;
}

/** The entry and the model an attempt uses. */
export interface Selection {
  readonly entry: PoolEntry;
  readonly model: LanguageModelLike;
  readonly degraded: boolean;
}

/** What one call learnt across its attempts (a context-length error: skip models with no larger window). */
export interface CallMemory {
  /** Window of the model that refused the prompt as too long (Infinity when that model's window is unknown). */
  tooLongFor?: number;
}

/**
 * The models of one resilient model and their bookkeeping with the manager: which model an attempt
 * uses (the attempt's provider), cooldowns on 429/529/503, refused connections and auth errors, quota
 * from response headers, and the order of a call's providers (a model whose quota is critical goes last).
 */
export class ModelPool {
  readonly #entries = new Map<string, PoolEntry>();
  readonly #options: ResolvedModelOptions;
  readonly #manager: ResilienceManager;
  readonly #names: readonly string[];
  /** When each model's last cooldown was reported (clock.now()): older requests' successes do not end it. */
  readonly #failedAt = new Map<string, number>();

  constructor(options: ResolvedModelOptions, manager: ResilienceManager) {
    this.#options = options;
    this.#manager = manager;
    for (const m of options.models) {
      const entry: PoolEntry = { config: m, quota: new QuotaTracker(options.clock), latencies: new LatencyWindow() };
      this.#entries.set(m.name, entry);
      if (options.quotaMonitors) manager.registerApiQuotaMonitor(m.name, () => entry.quota.reading());
    }
    this.#names = options.models.map((m) => m.name);
    manager.declareProviders(API_QUOTA, this.#names);
    // a @withFallback(API_QUOTA) method may call this model: its calls then run inside that method's chain
    manager.expectNestedCalls(API_QUOTA);
  }

  get names(): readonly string[] {
    return this.#names;
  }

  /** The call's providers: as listed, models whose quota is critical last, then `last` (a model that just failed). */
  order(last?: string): readonly string[] {
    const critical = this.#options.quotaCriticalPercent;
    const hot = (n: string) => n === last || this.#entries.get(n)!.quota.usagePercent() >= critical;
    if (!this.#names.some(hot)) return this.#names;
    return [...this.#names.filter((n) => !hot(n)), ...this.#names.filter(hot)];
  }

  /**
   * The model for an attempt: the attempt's provider (or, before the attempt argument, the running
   * chain's), else the first. Throws a {@link ModelSkippedError} for a model the call already knows
   * cannot take it (its window is no larger than one that refused the prompt as too long).
   */
  select(attempt: FallbackAttempt | undefined, memory: CallMemory): Selection {
    const name = attempt?.provider ?? currentFallback()?.provider;
    const entry = (name === undefined ? undefined : this.#entries.get(name)) ?? this.#entries.get(this.#names[0]!)!;
    if (!fits(entry, memory)) {
      throw new ModelSkippedError(entry.config.name, 'context-window', `Model "${entry.config.name}" skipped: its context window is not larger than that of a model that refused the prompt as too long`);
    }
    return this.#selection(entry, attempt);
  }

  /** The model a hedge of an attempt asks: the next available one in the call's order that the call has not tried. */
  hedgeFor(tried: readonly Selection[], attempt: FallbackAttempt | undefined, memory: CallMemory): Selection | undefined {
    for (const name of this.order()) {
      const entry = this.#entries.get(name)!;
      if (!tried.some((s) => s.entry === entry) && fits(entry, memory) && this.#manager.isProviderAvailable(API_QUOTA, name)) return this.#selection(entry, attempt);
    }
    return undefined;
  }

  #selection(entry: PoolEntry, attempt: FallbackAttempt | undefined): Selection {
    const degraded = (attempt?.degradation ?? currentFallback()?.degradation ?? 0) > 0;
    return { entry, degraded, model: degraded ? entry.config.degraded : entry.config.model };
  }

  /**
   * Book a successful answer: quota from its headers, and the model's recovery, unless the request was
   * sent before the model's last reported failure (with calls in flight, an answer to a request sent
   * before a 429 says nothing about the 429's retry-after, and must not end its cooldown).
   */
  succeeded(entry: PoolEntry, headers: Record<string, string | undefined> | undefined, startedAt: number): void {
    this.#readQuota(entry, headers);
    const failedAt = this.#failedAt.get(entry.config.name);
    if (failedAt !== undefined && startedAt <= failedAt) return;
    this.#failedAt.delete(entry.config.name);
    this.#manager.reportProviderSuccess(API_QUOTA, entry.config.name);
  }

  /**
   * Book a failed attempt and return the error to throw into the chain. A context-length or (with
   * policy `'switch'`) content-filter error becomes a {@link ModelSkippedError}; 429/503/529 cool the
   * model down for its retry-after (else its `cooldownMs`), a refused connection for `downCooldownMs`,
   * auth errors for `authCooldownMs`. Other errors are thrown as they were created.
   */
  failed(entry: PoolEntry, err: unknown, memory: CallMemory): unknown {
    const name = entry.config.name;
    const kind = aiSdkFailureKind(err);
    if (kind === 'context_length') {
      memory.tooLongFor = Math.min(memory.tooLongFor ?? Number.POSITIVE_INFINITY, entry.config.contextWindow ?? Number.POSITIVE_INFINITY);
      return new ModelSkippedError(name, 'context-window', `Model "${name}" refused the prompt as longer than its context window`, err);
    }
    if (kind === 'content_filter' && this.#options.contentFilter === 'switch') {
      return new ModelSkippedError(name, 'content-filter', `Model "${name}"'s content filter refused the request`, err);
    }
    this.#readQuota(entry, responseHeaders(err));
    const c = classifyError(err);
    const status = (err as { statusCode?: unknown } | null)?.statusCode;
    const cooldownMs = c.providerDown
      ? (c.retryAfterMs ?? this.#options.downCooldownMs)
      : c.kind === 'rate_limited' || status === 503 || status === 529
        ? (c.retryAfterMs ?? entry.config.cooldownMs)
        : c.kind === 'permanent' && c.scope === 'provider'
          ? this.#options.authCooldownMs
          : undefined;
    if (cooldownMs !== undefined) {
      this.#failedAt.set(name, this.#options.clock.now());
      this.#manager.reportProviderFailure(API_QUOTA, name, { error: err, cooldownMs });
    }
    return err;
  }

  #readQuota(entry: PoolEntry, headers: Record<string, string | undefined> | undefined): void {
    if (headers === undefined) return;
    const snapshot = readRateLimitHeaders(headers, this.#options.clock.wallNow());
    if (snapshot) entry.quota.record(snapshot);
  }
}

/** Whether a model may take a prompt that a model of window `memory.tooLongFor` refused as too long. */
function fits(entry: PoolEntry, memory: CallMemory): boolean {
  const window = entry.config.contextWindow;
  return memory.tooLongFor === undefined || (window !== undefined && window > memory.tooLongFor);
}

function responseHeaders(err: unknown): Record<string, string | undefined> | undefined {
  const h = (err as { responseHeaders?: unknown } | null)?.responseHeaders;
  return typeof h === 'object' && h !== null ? (h as Record<string, string | undefined>) : undefined;
}
