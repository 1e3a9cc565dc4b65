import { createHash } from 'node:crypto';
import { createHedging, deadline, ResilienceManager, ResourceType, TimeoutError, type FallbackAttempt, type ResilienceConfig } from '@rampart/core';
import { DEFAULT_LLM_CHAIN } from '@rampart/llm';
import { boundaryError } from './errors/model-call-failed-error.js';
import { ModelSkippedError } from './errors/model-skipped-error.js';
import { HedgePlan } from './hedge.js';
import { ModelPool, type CallMemory, type Selection } from './model-pool.js';
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
  readonly #hedging: HedgePlan | undefined;
  #starting: Promise<void> | undefined;

  constructor(options: ResilientModelOptions) {
    const o = resolveModelOptions(options);
    this.#options = o;
    this.specificationVersion = o.specificationVersion;
    this.modelId = o.models.map((m) => m.name).join(' → ');
    this.#ownsManager = o.manager === undefined;
    this.manager = o.manager ?? new ResilienceManager(o.team, ownManagerConfig(o));
    this.#pool = new ModelPool(o, this.manager);
    this.#hedging = o.hedging && new HedgePlan(o.hedging);
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

  /** One chain attempt of `doGenerate`: one request, or (hedging) one request and perhaps a hedge beside it. */
  async #generateOnce(attempt: FallbackAttempt | undefined, options: CallOptionsLike, memory: CallMemory): Promise<GenerateResultLike> {
    const selection = this.#pool.select(attempt, memory);
    const signal = attempt?.signal ?? options.abortSignal;
    const plan = this.#hedging;
    const partner = plan?.admit() ? this.#pool.hedgeFor(selection.entry.config.name, attempt, memory) : undefined;
    if (plan === undefined || partner === undefined) return this.#request(selection, options, memory, signal);
    const hedging = createHedging({ delayMs: plan.delayFor(selection.entry.latencies), clock: this.#options.clock });
    return hedging.execute(
      (ctx) => {
        if (ctx.attempt === 1) return this.#request(selection, options, memory, ctx.signal);
        // chosen again when the delay has passed: the partner may have gone into a cooldown meanwhile
        const now = this.#pool.hedgeFor(selection.entry.config.name, attempt, memory);
        if (now === undefined) throw new ModelSkippedError(partner.entry.config.name, 'unavailable', `No model to hedge "${selection.entry.config.name}" with: "${partner.entry.config.name}" is no longer available`);
        plan.hedged();
        return this.#request(now, options, memory, ctx.signal);
      },
      { signal },
    );
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
      if (err instanceof ModelSkippedError) throw err;
      throw this.#pool.failed(entry, limit.expired ? limit.reason : err, memory);
    } finally {
      limit.dispose();
    }
  }

  async #streamOnce(attempt: FallbackAttempt | undefined, options: CallOptionsLike, memory: CallMemory): Promise<StreamAttempt> {
    const selection = this.#pool.select(attempt, memory);
    const { entry, model } = selection;
    const limit = this.#limit(selection, attempt?.signal ?? options.abortSignal);
    const startedAt = this.#options.clock.now();
    try {
      const opened = await openUntilOutput((signal) => model.doStream({ ...options, abortSignal: signal }) as PromiseLike<StreamResultLike>, limit);
      return { selection, opened, startedAt };
    } catch (err) {
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
