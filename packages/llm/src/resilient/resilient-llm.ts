import { inspect } from 'node:util';
import {
  FallbackAction,
  FallbackStrategy,
  ResilienceManager,
  redactUrl,
  ResourceType,
  TimeoutError,
  type FallbackAttempt,
  type ResilienceConfig,
  deadline,
} from '@rampart/core';
import { AttemptScope } from '../adapters/attempt-scope.js';
import { requestCacheKey } from '../cache/cache-key.js';
import { resolveLlmOptions, type ResolvedLlmOptions, type ResilientLLMOptions } from '../config/llm-options.js';
import type { ResilienceManagerLike } from '../config/manager-like.js';
import type { ProviderStatsSnapshot } from '../routing/provider-stats.js';
import type { ChatChunk, ChatRequest, ChatResponse, InvokeOptions } from '../types.js';
import { normalizeRequest, promptChars } from './normalize-request.js';
import { ProviderPool } from './provider-pool.js';
import { openSession, sessionChunks } from './stream-session.js';

const API_QUOTA = ResourceType.API_QUOTA;

/**
 * The API_QUOTA chain of an LLM's own manager: retry transient failures twice, switch provider,
 * use the degraded (cheaper) model, answer from the cache, then queue until a provider recovers.
 */
export const DEFAULT_LLM_CHAIN: readonly FallbackAction[] = Object.freeze([
  new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 2, backoff: 'exponential' }),
  new FallbackAction(FallbackStrategy.SWITCH_PROVIDER),
  new FallbackAction(FallbackStrategy.DEGRADE_SERVICE),
  new FallbackAction(FallbackStrategy.USE_CACHE),
  new FallbackAction(FallbackStrategy.QUEUE_REQUEST),
]);

function ownManagerConfig(o: ResolvedLlmOptions): ResilienceConfig {
  const given: ResilienceConfig = o.resilience ?? {};
  return {
    clock: o.clock,
    ...given,
    providers: { ...given.providers, [API_QUOTA]: o.providers.map((p) => p.name) },
    fallbackStrategies: { [API_QUOTA]: [...DEFAULT_LLM_CHAIN], ...given.fallbackStrategies },
  };
}

/** Per provider: calls, failures, tokens, cost, mean latency, and current quota usage. */
export type LlmStats = Record<string, ProviderStatsSnapshot & { quotaUsagePercent: number }>;

/**
 * A provider-neutral chat API over OpenAI, Anthropic and OpenAI-compatible local models, run through
 * a ResilienceManager's API_QUOTA fallback chain: 429/529 switch provider (with a cooldown shared by
 * every caller), auth errors switch and never retry, bad requests fail, context-length errors switch,
 * DEGRADE_SERVICE uses each provider's cheaper model, USE_CACHE answers identical requests, and
 * QUEUE_REQUEST parks calls until a provider recovers. Inside a method guarded by
 * `@withFallback(ResourceType.API_QUOTA)` on the same manager, that method's chain alone decides
 * (the manager runs a nested call directly): each attempt is one request to the provider named by
 * `currentFallback()?.provider` (the primary on the plain attempt), and its failures reach that chain.
 */
export class ResilientLLM {
  /** The manager calls run through (the one given, or the LLM's own). */
  readonly manager: ResilienceManagerLike;
  readonly #options: ResolvedLlmOptions;
  readonly #pool: ProviderPool;
  readonly #ownsManager: boolean;
  #starting: Promise<void> | undefined;

  constructor(options: ResilientLLMOptions) {
    const o = resolveLlmOptions(options);
    this.#options = o;
    this.#ownsManager = o.manager === undefined;
    this.manager = o.manager ?? new ResilienceManager(o.team, ownManagerConfig(o));
    this.#pool = new ProviderPool(o, this.manager);
  }

  /** Provider names, in configured order. */
  get providers(): readonly string[] {
    return this.#pool.names;
  }

  /** Answer a prompt or a chat request. */
  async invoke(input: string | ChatRequest, options: InvokeOptions = {}): Promise<ChatResponse> {
    const request = normalizeRequest(input);
    const call = this.#prepare(request, options);
    try {
      await this.#ensureStarted();
      // Inside a @withFallback(API_QUOTA) method, that method's chain alone decides: on the same
      // manager, execute() below runs the attempt directly (also on the plain first attempt); when the
      // chain re-invokes with a provider of ours (another manager's chain too), follow it here.
      if (this.#pool.context()) return await this.#complete(request, call.signal, undefined);
      let produced: ChatResponse | undefined;
      const useCache = options.cache ?? this.#options.cache;
      const result = await this.manager.execute(
        API_QUOTA,
        async (attempt) => (produced = await this.#complete(request, call.signal, attempt)),
        { key: useCache ? requestCacheKey(this.manager.team, request) : undefined, signal: call.signal, providers: call.providers },
      );
      // not produced by this call: USE_CACHE, or an identical concurrent call's answer shared with it
      return result === produced ? result : { ...result, cached: true };
    } finally {
      call.dispose();
    }
  }

  /**
   * Stream an answer. A failure before the first token goes through the fallback chain (another
   * provider answers, unseen); after it, the iterator throws a StreamInterruptedError with the text so far.
   */
  async *stream(input: string | ChatRequest, options: Omit<InvokeOptions, 'cache'> = {}): AsyncGenerator<ChatChunk> {
    const request = normalizeRequest(input);
    const call = this.#prepare(request, options);
    try {
      await this.#ensureStarted();
      const clock = this.#options.clock;
      const session =
        this.#pool.context()
          ? await openSession(this.#pool, request, clock, call.signal, undefined)
          : await this.manager.execute(API_QUOTA, (attempt) => openSession(this.#pool, request, clock, call.signal, attempt), { signal: call.signal, providers: call.providers });
      yield* sessionChunks(this.#pool, session, clock);
    } finally {
      call.dispose();
    }
  }

  /** Usage, cost, latency and quota per provider since construction. */
  stats(): LlmStats {
    const out: LlmStats = {};
    const recorded = this.#pool.stats.snapshot();
    for (const name of this.#pool.names) {
      const s = recorded[name] ?? { calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: undefined, meanOutputTokens: undefined };
      out[name] = { ...s, quotaUsagePercent: this.#pool.quota(name) };
    }
    return out;
  }

  /** Stop the LLM's own manager (a manager that was passed in belongs to its team and keeps running). */
  async close(): Promise<void> {
    if (this.#ownsManager) await this.manager.stop();
    this.#starting = undefined;
  }

  /** A description without secrets. */
  toJSON(): Record<string, unknown> {
    return {
      team: this.manager.team,
      routing: this.#options.routing,
      providers: this.#options.providers.map((p) => ({ name: p.name, kind: p.kind, model: p.model, degradedModel: p.degradedModel, baseURL: p.baseURL === undefined ? undefined : redactUrl(p.baseURL), timeoutMs: p.timeoutMs })),
    };
  }

  toString(): string {
    return `ResilientLLM(${this.#options.providers.map((p) => `${p.name}:${p.model}`).join(' → ')})`;
  }

  [inspect.custom](): string {
    return `ResilientLLM ${JSON.stringify(this.toJSON())}`;
  }

  #ensureStarted(): Promise<void> | undefined {
    if (!this.#ownsManager) return undefined;
    this.#starting ??= this.manager.start();
    return this.#starting;
  }

  async #complete(request: ChatRequest, signal: AbortSignal | undefined, attempt: FallbackAttempt | undefined): Promise<ChatResponse> {
    const { entry, model, degraded } = this.#pool.select(attempt);
    const clock = this.#options.clock;
    // the attempt's signal: the manager's call deadline, this LLM's own and the caller's
    const scope = new AttemptScope(entry.config.name, model, entry.config.timeoutMs, clock, attempt?.signal ?? signal);
    const startedAt = clock.now();
    const begunAt = this.#pool.begin();
    try {
      const r = await entry.adapter.complete(request, scope);
      const latencyMs = clock.now() - startedAt;
      const costUsd = this.#pool.succeeded(entry, r.headers, latencyMs, r.usage, begunAt);
      return { id: r.id, text: r.text, provider: entry.config.name, model: r.model, usage: r.usage, cached: false, degraded, toolCalls: r.toolCalls, latencyMs, finishReason: r.finishReason, costUsd };
    } catch (err) {
      throw this.#pool.failed(entry, err);
    } finally {
      scope.dispose();
    }
  }

  /** Route the providers for this request and build the call's signal (caller's signal + deadline). */
  #prepare(request: ChatRequest, options: InvokeOptions): { signal: AbortSignal | undefined; providers: readonly string[]; dispose: () => void } {
    const providers = this.#pool.route(promptChars(request));
    const deadlineMs = options.deadlineMs ?? this.#options.deadlineMs;
    if (deadlineMs === undefined) return { signal: options.signal, providers, dispose: () => undefined };
    const limit = deadline(this.#options.clock, deadlineMs, {
      signal: options.signal,
      error: () => new TimeoutError(deadlineMs, `LLM call deadline of ${deadlineMs} ms passed`),
    });
    return { signal: limit.signal, providers, dispose: () => limit.dispose() };
  }
}
