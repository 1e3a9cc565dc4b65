import { ConfigError, systemClock, deadline, TimeoutError, type Clock, type Policy, type PolicyContext } from '@rampart/core';
import { boundaryError } from './errors/model-call-failed-error.js';
import { StreamInterruptedError } from './errors/stream-interrupted-error.js';
import { closeOpened, nextPart, openUntilOutput, StreamProgress, type OpenedStream } from './stream-session.js';
import type { CallOptionsLike, GenerateResultLike, LanguageModelLike, StreamPartLike, StreamResultLike } from './types.js';

/** Options of {@link rampartMiddleware}. */
export interface RampartMiddlewareOptions<V extends string = 'v3'> {
  /**
   * The policies around each call to the model: any core policy or `wrap(...)` of them (retry,
   * circuit breaker, timeout, bulkhead, rate limiter, hedging, fallback). Each policy attempt is
   * one upstream request. Default: none (only `timeoutMs`).
   */
  policy?: Policy;
  /** Per-attempt timeout, ms: no answer (streaming: no first part, then no next part) within it fails the attempt. Default 60,000. */
  timeoutMs?: number;
  /** The middleware specification of your `ai` major: `'v3'` for ai 6 (default), `'v4'` for ai 7. */
  specificationVersion?: V;
  clock?: Clock;
}

interface WrapOptions {
  doGenerate: () => PromiseLike<unknown>;
  doStream: () => PromiseLike<unknown>;
  params: CallOptionsLike;
  model: LanguageModelLike;
}

/** A language model middleware for `wrapLanguageModel` (the fields ai 6 and 7 read). */
export interface RampartMiddleware<V extends string> {
  readonly specificationVersion: V;
  // `any`: the call options and results differ per AI SDK major and must be assignable to both
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  wrapGenerate(options: any): PromiseLike<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  wrapStream(options: any): PromiseLike<any>;
}

const NO_POLICY: Policy = { execute: (fn) => Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 1 })) };

/**
 * Middleware for `wrapLanguageModel({ model, middleware: rampartMiddleware({ policy }) })`: retry,
 * breaker, timeout, cache or any core policy around a single model. Each policy attempt makes one
 * request with the attempt's signal; streams are retried only until their first output part, and a
 * failure after it ends the stream with a {@link StreamInterruptedError}. An error the AI SDK would
 * retry itself is wrapped ({@link ModelCallFailedError}), so its `maxRetries` does not stack on the policy's.
 */
export function rampartMiddleware<V extends string = 'v3'>(options: RampartMiddlewareOptions<V> = {}): RampartMiddleware<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('rampartMiddleware.options', 'must be an object', options);
  const policy = options.policy ?? NO_POLICY;
  if (typeof policy.execute !== 'function') throw new ConfigError('rampartMiddleware.options.policy', 'must be a policy (an object with execute(fn, options))', policy);
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ConfigError('rampartMiddleware.options.timeoutMs', 'must be a positive finite number', timeoutMs);
  const clock = options.clock ?? systemClock;
  const version = (options.specificationVersion ?? 'v3') as V;
  if (version !== 'v3' && version !== 'v4') throw new ConfigError('rampartMiddleware.options.specificationVersion', "must be 'v3' (ai 6) or 'v4' (ai 7)", version);

  const limitFor = (ctx: PolicyContext, params: CallOptionsLike) =>
    deadline(clock, timeoutMs, { signal: anySignal(ctx.signal, params.abortSignal), error: () => new TimeoutError(timeoutMs, `The model gave no answer within ${timeoutMs} ms`) });

  return Object.freeze({
    specificationVersion: version,
    async wrapGenerate({ params, model }: WrapOptions): Promise<GenerateResultLike> {
      try {
        return await policy.execute(async (ctx) => {
          const limit = limitFor(ctx, params);
          try {
            return (await limit.race(Promise.resolve(model.doGenerate({ ...params, abortSignal: limit.signal })))) as GenerateResultLike;
          } finally {
            limit.dispose();
          }
        }, { signal: params.abortSignal });
      } catch (err) {
        throw boundaryError(err);
      }
    },
    async wrapStream({ params, model }: WrapOptions): Promise<StreamResultLike> {
      let opened: OpenedStream;
      try {
        opened = await policy.execute((ctx) => openUntilOutput((signal) => model.doStream({ ...params, abortSignal: signal }) as PromiseLike<StreamResultLike>, limitFor(ctx, params)), { signal: params.abortSignal });
      } catch (err) {
        throw boundaryError(err);
      }
      return { ...opened.result, stream: forward(opened, model.modelId) };
    },
  });
}

function anySignal(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b === undefined ? a : AbortSignal.any([a, b]);
}

/** The rest of an opened stream; a failure after output ends it with a StreamInterruptedError. */
function forward(opened: OpenedStream, modelName: string): ReadableStream<StreamPartLike> {
  const progress = new StreamProgress();
  const pending = [...opened.head];
  return new ReadableStream<StreamPartLike>({
    async pull(controller) {
      let part = pending.shift();
      if (part === undefined) {
        try {
          part = await nextPart(opened);
          if (part === undefined) throw new Error('the model stream ended without its finish part');
        } catch (err) {
          closeOpened(opened, err);
          controller.error(new StreamInterruptedError({ model: modelName, textSoFar: progress.text, partsSoFar: progress.parts, toolCallStarted: progress.toolCallStarted, cause: err }));
          return;
        }
      }
      progress.see(part);
      controller.enqueue(part);
      if (part.type === 'finish') {
        closeOpened(opened);
        controller.close();
      }
    },
    cancel(reason) {
      closeOpened(opened, reason);
    },
  });
}
