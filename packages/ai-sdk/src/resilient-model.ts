import { createHash } from 'node:crypto';
import { deadline, ResilienceManager, ResourceType, TimeoutError, type FallbackAttempt, type ResilienceConfig } from '@rampart/core';
import { DEFAULT_LLM_CHAIN, lostRace } from '@rampart/llm';
import { boundaryError } from './errors/model-call-failed-error.js';
import { ModelSkippedError } from './errors/model-skipped-error.js';
import { LatencyWindow, ProviderHedging } from './hedge.js';
import { ModelPool, type CallMemory, type PoolEntry, type Selection } from './model-pool.js';
import { resolveModelOptions, type ResilientModelOptions, type ResolvedModelOptions } from './options.js';
import { openUntilOutput, untilAborted, type OpenedStream } from './stream-session.js';
import { resilientStream } from './resilient-stream.js';
import { unifiedFinishReason, type CallOptionsLike, type GenerateResultLike, type LanguageModelLike, type StreamResultLike } from './types.js';

const API_QUOTA = ResourceType.API_QUOTA;

function ownManagerConfig(o: ResolvedModelOptions): ResilienceConfig {
  const given: ResilienceConfig = o.resilience ?? {};
  return {
    clock: o.clock,
    ...given,
    fallbackStrategies: { [API_QUOTA]: [...DEFAULT_LLM_CHAIN], ...given.fallbackStrategies },
  };
}

/** An opened stream and the model that produced it. */
export interface StreamAttempt {
  readonly selection: Selection;
  readonly opened: OpenedStream;
  /** `clock.now()` when its request was sent. */
  readonly startedAt: number;
}

/**
 * The language model `createResilientModel` returns: each `doGenerate`/`doStream` runs under the
 * manager's API_QUOTA chain with the listed models as the call's providers. Exactly one upstream
 * request per attempt: the inner models are called once per attempt, and an error the AI SDK would
 * retry itself never leaves this model (see {@link boundaryError}), so `maxRetries` does not stack.
 */
export class ResilientLanguageModel {
  readonly specificationVersion: string;
  readonly provider = 'rampart';
  readonly modelId: string;
  /** The manager calls run through (the one given, or the model's own). */
  readonly manager: ResilienceManager;
  readonly #options: ResolvedModelOptions;
  readonly #pool: ModelPool;
  readonly #ownsManager: boolean;
  readonly #hedging: ProviderHedging | undefined;
  /** Each model's times to a stream's first output part (the hedging delay of streams). */
  readonly #firstPartLatencies = new Map<PoolEntry, LatencyWindow>();
  #starting: Promise<void> | undefined;

  constructor(options: ResilientModelOptions) {
    const o = resolveModelOptions(options);
    this.#options = o;
    this.specificationVersion = o.specificationVersion;
    this.modelId = o.models.map((m) => m.name).join(' → ');
    this.#ownsManager = o.manager === undefined;
    this.manager = o.manager ?? new ResilienceManager(o.team, ownManagerConfig(o));
    this.#pool = new ModelPool(o, this.manager);
    this.#hedging = o.hedging && o.models.length > 1 ? new ProviderHedging(o.hedging) : undefined;
  }

  /** URLs the primary model accepts as file inputs without downloading them. */
  get supportedUrls(): unknown {
    return this.#options.models[0]!.model.supportedUrls;
  }

  /** Model names, in fallback order. */
  get models(): readonly string[] {
    return this.#pool.names;
  }

  async doGenerate(options: CallOptionsLike): Promise<GenerateResultLike> {
    await this.#ensureStarted();
    const memory: CallMemory = {};
    try {
      return await this.manager.execute(API_QUOTA, (attempt?: FallbackAttempt) => this.#generateOnce(attempt, options, memory), {
        providers: this.#pool.order(),
        signal: options.abortSignal,
        deadlineMs: this.#options.deadlineMs,
        key: this.#options.cache ? cacheKey(this.manager.team, this.modelId, options) : undefined,
      });
    } catch (err) {
      throw boundaryError(err);
    }
  }

  async doStream(options: CallOptionsLike): Promise<StreamResultLike> {
    await this.#ensureStarted();
    const first = await this.openStream(options, {});
    return { ...first.opened.result, stream: resilientStream(this, first, options) };
  }

  /** Open a stream under the chain, read up to its first output part (also what a continuation uses, with the failed model `last`). */
  async openStream(options: CallOptionsLike, memory: CallMemory, last?: string): Promise<StreamAttempt> {
    try {
      return await this.manager.execute(API_QUOTA, (attempt?: FallbackAttempt) => this.#streamOnce(attempt, options, memory), {
        providers: this.#pool.order(last),
        signal: options.abortSignal,
        deadlineMs: this.#options.deadlineMs,
      });
    } catch (err) {
      throw boundaryError(err);
    }
  }

  /** Book the end of a stream: success with its headers, or a failure after output. */
  streamEnded(attempt: StreamAttempt, err?: unknown): void {
    if (err === undefined) this.#pool.succeeded(attempt.selection.entry, attempt.opened.result.response?.headers, attempt.startedAt);
    else this.#pool.failed(attempt.selection.entry, err, {});
  }

  get streamResume(): ResolvedModelOptions['streamResume'] {
    return this.#options.streamResume;
  }

  /** Stop the model's own manager (a manager that was passed in belongs to its team and keeps running). */
  async close(): Promise<void> {
    if (this.#ownsManager) await this.manager.stop();
    this.#starting = undefined;
  }

  toString(): string {
    return `ResilientLanguageModel(${this.modelId})`;
  }

  #ensureStarted(): Promise<void> | undefined {
    if (!this.#ownsManager) return undefined;
    this.#starting ??= this.manager.start();
    return this.#starting;
  }

  #limit(selection: Selection, signal: AbortSignal | undefined) {
    const ms = this.#options.timeoutMs;
    const name = selection.entry.config.name;
    return deadline(this.#options.clock, ms, { signal, error: () => new TimeoutError(ms, `Model "${name}" gave no answer within ${ms} ms`) });
  }

  /** One chain attempt of `doGenerate`: one request, or (hedging) one request and perhaps hedges beside it. */
  async #generateOnce(attempt: FallbackAttempt | undefined, options: CallOptionsLike, memory: CallMemory): Promise<GenerateResultLike> {
    const first = this.#pool.select(attempt, memory);
    const signal = attempt?.signal ?? options.abortSignal;
    if (this.#hedging === undefined) return this.#request(first, options, memory, signal);
    return this.#hedging.run({
      clock: this.#options.clock,
      signal,
      first,
      next: (tried) => this.#pool.hedgeFor(tried, attempt, memory),
      request: (target, s) => this.#request(target, options, memory, s),
      name: (target) => target.entry.config.name,
      latencies: (target) => target.entry.latencies,
    });
  }

  /** One upstream request to `selection`'s model, within the per-attempt timeout, booked with the pool. */
  async #request(selection: Selection, options: CallOptionsLike, memory: CallMemory, signal: AbortSignal | undefined): Promise<GenerateResultLike> {
    const { entry, model } = selection;
    const limit = this.#limit(selection, signal);
    const startedAt = this.#options.clock.now();
    try {
      const result = (await untilAborted(limit.signal, Promise.resolve(model.doGenerate({ ...options, abortSignal: limit.signal })))) as GenerateResultLike;
      if (this.#options.contentFilter === 'switch' && unifiedFinishReason(result.finishReason) === 'content-filter') {
        throw new ModelSkippedError(entry.config.name, 'content-filter', `Model "${entry.config.name}"'s content filter withheld the answer`);
      }
      this.#pool.succeeded(entry, result.response?.headers, startedAt);
      return result;
    } catch (err) {
      // a request that lost a hedged race is not a failure of its model: nothing is booked for it
      if (err instanceof ModelSkippedError || (signal !== undefined && lostRace(signal))) throw err;
      throw this.#pool.failed(entry, limit.expired ? limit.reason : err, memory);
    } finally {
      limit.dispose();
    }
  }

  /**
   * One chain attempt of a stream: open it and read to its first output part, or (hedging) race that
   * against the next model's until one has shown output (a stream that has shown output is never
   * duplicated); the losing stream is cancelled unread.
   */
  async #streamOnce(attempt: FallbackAttempt | undefined, options: CallOptionsLike, memory: CallMemory): Promise<StreamAttempt> {
    const first = this.#pool.select(attempt, memory);
    const signal = attempt?.signal ?? options.abortSignal;
    if (this.#hedging === undefined) return this.#openOne(first, options, memory, signal);
    return this.#hedging.run({
      clock: this.#options.clock,
      signal,
      first,
      next: (tried) => this.#pool.hedgeFor(tried, attempt, memory),
      request: async (target, lost) => {
        // the winner is read after the race: the call's signal (deadline, caller) must still end it
        const opened = await this.#openOne(target, options, memory, signal === undefined ? lost : AbortSignal.any([lost, signal]));
        if (!lost.aborted) return opened;
        opened.opened.limit.dispose();
        void opened.opened.reader.cancel(lost.reason).catch(() => undefined);
        throw lost.reason;
      },
      name: (target) => target.entry.config.name,
      latencies: (target) => this.#firstPartLatencies.get(target.entry) ?? this.#firstPartLatencies.set(target.entry, new LatencyWindow()).get(target.entry)!,
    });
  }

  /** Open `selection`'s stream up to its first output part, within the per-attempt timeout. */
  async #openOne(selection: Selection, options: CallOptionsLike, memory: CallMemory, signal: AbortSignal | undefined): Promise<StreamAttempt> {
    const { entry, model } = selection;
    const limit = this.#limit(selection, signal);
    const startedAt = this.#options.clock.now();
    try {
      const opened = await openUntilOutput((s) => model.doStream({ ...options, abortSignal: s }) as PromiseLike<StreamResultLike>, limit);
      return { selection, opened, startedAt };
    } catch (err) {
      // a stream that lost a hedged race is not a failure of its model: nothing is booked for it
      if (signal !== undefined && lostRace(signal)) throw err;
      throw this.#pool.failed(entry, err, memory);
    }
  }
}

/** Cache key of a generate call: the team, the models and the call options that shape the answer (sha-256). */
function cacheKey(team: string, models: string, options: CallOptionsLike): string {
  const { abortSignal: _signal, headers: _headers, ...shape } = options;
  return `ai-sdk:${team}:${createHash('sha256').update(models).update('\0').update(JSON.stringify(shape)).digest('hex')}`;
}

/**
 * A language model for the AI SDK that switches between `models` under a ResilienceManager's
 * API_QUOTA chain (cooldowns, breakers per model, retry-after, quota headers, degrade, cache, queue).
 * It has the type of the models given, so `generateText`, `streamText`, `generateObject`,
 * `streamObject` and tool calling accept it as they accept those.
 */
export function createResilientModel<M extends LanguageModelLike>(options: ResilientModelOptions<M>): M & ResilientLanguageModel {
  return new ResilientLanguageModel(options as ResilientModelOptions) as unknown as M & ResilientLanguageModel;
}
