import { inspect } from 'node:util';
import {
  FallbackAction,
  FallbackStrategy,
  ResilienceManager,
  ResourceType,
  TimeoutError,
  type FallbackAttempt,
  type ResilienceConfig,
  deadline,
} from '@rampart/core';
import { redactUrl } from '@rampart/core/internal';
import { AttemptScope } from '../adapters/attempt-scope.js';
import { requestCacheKey } from '../cache/cache-key.js';
import { resolveLlmOptions, type ResolvedLlmOptions, type ResilientLLMOptions } from '../config/llm-options.js';
import type { ResilienceManagerLike } from '../config/manager-like.js';
import type { ProviderStatsSnapshot } from '../routing/provider-stats.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { ChatChunk, ChatMessage, ChatRequest, ChatResponse, InvokeOptions } from '../types.js';
import { normalizeRequest, promptChars } from './normalize-request.js';
import { lostRace, ProviderHedging } from '../routing/hedging.js';
import { ProviderPool, type Selection } from './provider-pool.js';
import { closeSession, openSession, sessionChunks, type OpenedSession } from './stream-session.js';

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

/**
 * The request of a continuation: `textSoFar` as the start of the assistant's answer (appended to the
 * request's own prefill when it ends with one, which the interrupted stream was continuing).
 */
function withPrefill(request: ChatRequest, textSoFar: string): ChatRequest {
  const last = request.messages.at(-1);
  const messages: ChatMessage[] =
    last?.role === 'assistant' && (last.toolCalls?.length ?? 0) === 0
      ? [...request.messages.slice(0, -1), { role: 'assistant', content: last.content + textSoFar }]
      : [...request.messages, { role: 'assistant', content: textSoFar }];
  return { ...request, messages };
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
  readonly #hedging: ProviderHedging | undefined;
  #starting: Promise<void> | undefined;

  constructor(options: ResilientLLMOptions) {
    const o = resolveLlmOptions(options);
    this.#options = o;
    this.#ownsManager = o.manager === undefined;
    this.manager = o.manager ?? new ResilienceManager(o.team, ownManagerConfig(o));
    this.#pool = new ProviderPool(o, this.manager);
    this.#hedging = o.hedging && o.providers.length > 1 ? new ProviderHedging(o.hedging) : undefined;
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
   * provider answers, unseen); after it, the iterator throws a StreamInterruptedError with the text
   * so far, or, with `streamResume: 'continue'`, first asks for one continuation of that text.
   */
  async *stream(input: string | ChatRequest, options: Omit<InvokeOptions, 'cache'> = {}): AsyncGenerator<ChatChunk> {
    const request = normalizeRequest(input);
    const call = this.#prepare(request, options);
    try {
      await this.#ensureStarted();
      // inside a decorated method's chain, that chain alone decides: no continuation of our own
      const inChain = this.#pool.context() !== undefined;
      const session = inChain
        ? await this.#openStream(request, call.signal, undefined)
        : await this.manager.execute(API_QUOTA, (attempt) => this.#openStream(request, call.signal, attempt), { signal: call.signal, providers: call.providers });
      try {
        yield* sessionChunks(this.#pool, session, this.#options.clock);
      } catch (err) {
        const resumable = err instanceof StreamInterruptedError && !err.toolCallStarted && err.textSoFar !== '' && call.signal?.aborted !== true;
        if (inChain || this.#options.streamResume !== 'continue' || !resumable) throw err;
        yield* this.#continue(request, call, err);
      }
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

  /** One chain attempt of `invoke`: one request, or (hedging) one request and perhaps hedges beside it. */
  async #complete(request: ChatRequest, signal: AbortSignal | undefined, attempt: FallbackAttempt | undefined): Promise<ChatResponse> {
    const first = this.#pool.select(attempt);
    const callSignal = attempt?.signal ?? signal;
    if (this.#hedging === undefined) return this.#request(request, first, callSignal);
    return this.#hedging.run({
      clock: this.#options.clock,
      signal: callSignal,
      first,
      next: (tried) => this.#pool.hedgeFor(tried, attempt),
      request: (target, s) => this.#request(request, target, s),
      name: (target) => target.entry.config.name,
      latencies: (target) => target.entry.latencies,
    });
  }

  /**
   * One chain attempt of `stream`: open a stream and read it to its first token, or (hedging) race
   * that against the next provider's until one has shown a token: a stream that has produced output
   * is never duplicated. The losing stream is closed unread.
   */
  async #openStream(request: ChatRequest, signal: AbortSignal | undefined, attempt: FallbackAttempt | undefined): Promise<OpenedSession> {
    const first = this.#pool.select(attempt);
    // the stream is read after the chain has returned, when the attempt's signal no longer follows the
    // caller's: the call's own signal (caller, deadline) must still end it
    const callSignal = attempt === undefined || signal === undefined ? (attempt?.signal ?? signal) : AbortSignal.any([attempt.signal, signal]);
    const clock = this.#options.clock;
    if (this.#hedging === undefined) return openSession(this.#pool, request, clock, callSignal, first);
    return this.#hedging.run({
      clock,
      signal: callSignal,
      first,
      next: (tried) => this.#pool.hedgeFor(tried, attempt),
      request: async (target, lost) => {
        // the winner is read after the race: the call's signal (deadline, caller) must still end it
        const session = await openSession(this.#pool, request, clock, callSignal === undefined ? lost : AbortSignal.any([lost, callSignal]), target);
        if (!lost.aborted) return session;
        await closeSession(session);
        throw lost.reason;
      },
      name: (target) => target.entry.config.name,
      latencies: (target) => target.entry.firstTokenLatencies,
    });
  }

  /**
   * Continue an interrupted stream once (`streamResume: 'continue'`): the same request with the text
   * so far as the start of the assistant's answer, through the chain over the call's providers with
   * the interrupted one last (its failure is already booked, by sessionChunks). Its chunks follow the
   * ones already yielded; if it fails too, the error carries all the text.
   */
  async *#continue(request: ChatRequest, call: { signal: AbortSignal | undefined; providers: readonly string[] }, interrupted: StreamInterruptedError): AsyncGenerator<ChatChunk> {
    const { provider, model, textSoFar } = interrupted;
    const prefilled = withPrefill(request, textSoFar);
    const providers = [...call.providers.filter((n) => n !== provider), provider];
    let session: OpenedSession;
    try {
      session = await this.manager.execute(API_QUOTA, (attempt) => this.#openStream(prefilled, call.signal, attempt), { signal: call.signal, providers });
    } catch (err) {
      throw new StreamInterruptedError({ provider, model, textSoFar, cause: interrupted.cause, continuationError: err });
    }
    yield* sessionChunks(this.#pool, session, this.#options.clock, { from: { provider, model, chars: textSoFar.length }, text: textSoFar });
  }

  /**
   * One upstream request, booked with the pool. A request that lost a hedged race is not a failure
   * of its provider: nothing is booked for it.
   */
  async #request(request: ChatRequest, target: Selection, signal: AbortSignal | undefined): Promise<ChatResponse> {
    const { entry, model, degraded } = target;
    const clock = this.#options.clock;
    // the attempt's signal: the manager's call deadline, this LLM's own and the caller's (and a lost race)
    const scope = new AttemptScope(entry.config.name, model, entry.config.timeoutMs, clock, signal);
    const startedAt = clock.now();
    const begunAt = this.#pool.begin();
    try {
      const r = await entry.adapter.complete(request, scope);
      const latencyMs = clock.now() - startedAt;
      const costUsd = this.#pool.succeeded(entry, r.headers, latencyMs, r.usage, begunAt);
      return { id: r.id, text: r.text, provider: entry.config.name, model: r.model, usage: r.usage, cached: false, degraded, toolCalls: r.toolCalls, latencyMs, finishReason: r.finishReason, costUsd };
    } catch (err) {
      throw signal !== undefined && lostRace(signal) ? err : this.#pool.failed(entry, err);
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
