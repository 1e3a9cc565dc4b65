import { ConfigError, systemClock, type Clock, type ResilienceConfig, type ResilienceManager } from '@rampart/core';
import { CLOCK_METHODS, zodIssueToConfigError } from '@rampart/core/internal';
import { z } from 'zod';
import { hedgingSchema, resolveHedging, type ResolvedHedging } from '@rampart/llm';
import type { HedgingOptions } from './hedge.js';
import type { LanguageModelLike } from './types.js';

/** One model of a resilient model's list (first = primary). */
export interface ModelEntry<M extends LanguageModelLike = LanguageModelLike> {
  /** Unique name: the provider name in the manager (cooldowns, breakers, `api_quota:<name>` monitors, health report). */
  name: string;
  model: M;
  /** Cheaper model used when the chain degrades the service (DEGRADE_SERVICE). Default: `model`. */
  degraded?: M;
  /** Context window in tokens, when known: after a context-length error, models with no larger window are skipped. */
  contextWindow?: number;
  /** Cooldown after a 429/529/503 without retry-after, ms. Default: the `cooldownMs` option. */
  cooldownMs?: number;
}

/**
 * What a response the provider's content filter withheld does: `'return'` hands it to the caller as
 * the provider gave it (finish reason `content-filter`; a filter 400 is thrown as the request's fault),
 * `'switch'` tries the next model (the filtering one is not cooled down or counted by breakers).
 */
export type ContentFilterPolicy = 'return' | 'switch';

/**
 * After a stream has shown output and then fails: `'error'` (default) ends it with a
 * {@link StreamInterruptedError} carrying what was received; `'continue'` asks the next available model to
 * continue the text (the text so far is sent as the start of the assistant's answer) and streams the rest,
 * only when no tool call was in flight. The continuation is a different model's text: choose it knowingly.
 */
export type StreamResumePolicy = 'error' | 'continue';

/** Options of {@link createResilientModel}. */
export interface ResilientModelOptions<M extends LanguageModelLike = LanguageModelLike> {
  /** Models in fallback order (first = primary); all of one specification version. */
  models: ReadonlyArray<ModelEntry<M>>;
  /** The team's ResilienceManager. Without it the model creates its own (team `team`, the LLM chain). */
  manager?: ResilienceManager;
  /** Team name of the model's own manager. Default `ai-sdk`. */
  team?: string;
  /** Per-attempt timeout, ms: no answer (or, streaming, no first chunk / no next chunk) within it → the next model. Default 60,000. */
  timeoutMs?: number;
  /** Deadline of a whole call (attempts, switches, waits), ms. Default: the manager's. */
  deadlineMs?: number;
  /** Cooldown of a model after a 429/529/503 without retry-after, ms. Default 30,000. */
  cooldownMs?: number;
  /** Cooldown of a model whose connection was refused (nothing listens), ms. Default 1,000: traffic returns within a second of its recovery. */
  downCooldownMs?: number;
  /** Cooldown after an auth/permission/no-such-model error, ms. Default 300,000. */
  authCooldownMs?: number;
  /** Pass a cache key for `doGenerate` so USE_CACHE can answer identical requests. Default false. */
  cache?: boolean;
  contentFilter?: ContentFilterPolicy;
  /** After output started and the stream fails. Default `'error'`. */
  streamResume?: StreamResumePolicy;
  /** Quota usage (percent, from rate-limit headers) at which a model goes last in the order. Default 95. */
  quotaCriticalPercent?: number;
  /**
   * Register an `api_quota:<name>` monitor per model on the manager, fed from the rate-limit headers
   * of its answers (the health report shows each model's quota). It replaces a monitor of the same
   * key; set false to keep your own. Default true.
   */
  quotaMonitors?: boolean;
  /**
   * Hedge slow calls across models (opt-in): when the model an attempt uses has not answered (a
   * stream: shown its first output part) within a delay (default: its recent p90 latency), the next
   * available model is asked beside it; the first answer wins and the other request is aborted (it
   * cools nothing down), within a cap on extra requests (default 20% of calls). The same options and
   * defaults as `ResilientLLM`'s `hedging`.
   */
  hedging?: HedgingOptions;
  /** Configuration of the model's own manager (ignored when `manager` is given). */
  resilience?: ResilienceConfig;
  clock?: Clock;
}

/** A model entry with its defaults filled in. */
export interface ResolvedModelEntry {
  readonly name: string;
  readonly model: LanguageModelLike;
  readonly degraded: LanguageModelLike;
  readonly contextWindow: number | undefined;
  readonly cooldownMs: number;
}

export interface ResolvedModelOptions {
  readonly models: readonly ResolvedModelEntry[];
  readonly specificationVersion: string;
  readonly manager: ResilienceManager | undefined;
  readonly team: string;
  readonly timeoutMs: number;
  readonly deadlineMs: number | undefined;
  readonly downCooldownMs: number;
  readonly authCooldownMs: number;
  readonly cache: boolean;
  readonly contentFilter: ContentFilterPolicy;
  readonly streamResume: StreamResumePolicy;
  readonly quotaCriticalPercent: number;
  readonly quotaMonitors: boolean;
  readonly hedging: ResolvedHedging | undefined;
  readonly resilience: Readonly<ResilienceConfig> | undefined;
  readonly clock: Clock;
}

const ms = z.number().finite().positive();
const msOrZero = z.number().finite().nonnegative();
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isModel = (v: unknown) =>
  isObject(v) && typeof (v as Record<string, unknown>).specificationVersion === 'string' && ['doGenerate', 'doStream'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function');
const model = z.custom<LanguageModelLike>(isModel, 'must be an AI SDK language model (specificationVersion, doGenerate, doStream)');

const entrySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./:-]*$/, 'must be letters, digits, ".", "_", "/", ":" or "-"'),
  model,
  degraded: model.optional(),
  contextWindow: z.number().int().positive().optional(),
  cooldownMs: msOrZero.optional(),
});

const optionsSchema = z.strictObject({
  models: z.array(entrySchema).min(1, 'must list at least one model'),
  manager: z.custom<ResilienceManager>((v) => isObject(v) && ['execute', 'reportProviderFailure', 'declareProviders'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function'), 'must be a ResilienceManager').optional(),
  team: z.string().min(1).optional(),
  timeoutMs: ms.optional(),
  deadlineMs: ms.optional(),
  cooldownMs: msOrZero.optional(),
  downCooldownMs: msOrZero.optional(),
  authCooldownMs: msOrZero.optional(),
  cache: z.boolean().optional(),
  contentFilter: z.enum(['return', 'switch']).optional(),
  streamResume: z.enum(['error', 'continue']).optional(),
  quotaCriticalPercent: z.number().min(0).max(100).optional(),
  quotaMonitors: z.boolean().optional(),
  hedging: hedgingSchema.optional(),
  resilience: z.custom<ResilienceConfig>(isObject, 'must be a ResilienceConfig object').optional(),
  clock: z.custom<Clock>((v) => isObject(v) && CLOCK_METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'), 'must be a Clock').optional(),
});

/**
 * Validate `options` and resolve every default into a new frozen object (the caller's object is never
 * changed). Throws {@link ConfigError} naming the first bad option's path (`models[1].model`).
 */
export function resolveModelOptions(options: ResilientModelOptions): ResolvedModelOptions {
  const parsed = optionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success) throw zodIssueToConfigError(parsed.error.issues[0]!, optionsSchema);
  const o = parsed.data;
  const cooldownMs = o.cooldownMs ?? 30_000;
  const names = new Set<string>();
  const version = o.models[0]!.model.specificationVersion;
  const models = o.models.map((m, i): ResolvedModelEntry => {
    if (names.has(m.name)) throw new ConfigError(`models[${i}].name`, `duplicate model name "${m.name}"`, m.name);
    names.add(m.name);
    for (const [field, value] of [['model', m.model], ['degraded', m.degraded]] as const) {
      if (value !== undefined && value.specificationVersion !== version) {
        throw new ConfigError(`models[${i}].${field}`, `is a ${value.specificationVersion} model; models[0] is ${version} (one AI SDK major per resilient model)`, value.specificationVersion);
      }
    }
    return Object.freeze({ name: m.name, model: m.model, degraded: m.degraded ?? m.model, contextWindow: m.contextWindow, cooldownMs: m.cooldownMs ?? cooldownMs });
  });
  return Object.freeze({
    models: Object.freeze(models),
    specificationVersion: version,
    manager: o.manager,
    team: o.team ?? 'ai-sdk',
    timeoutMs: o.timeoutMs ?? 60_000,
    deadlineMs: o.deadlineMs,
    downCooldownMs: o.downCooldownMs ?? 1_000,
    authCooldownMs: o.authCooldownMs ?? 300_000,
    cache: o.cache ?? false,
    contentFilter: o.contentFilter ?? 'return',
    streamResume: o.streamResume ?? 'error',
    quotaCriticalPercent: o.quotaCriticalPercent ?? 95,
    quotaMonitors: o.quotaMonitors ?? true,
    hedging: resolveHedging(o.hedging),
    resilience: o.resilience && Object.freeze({ ...o.resilience }),
    clock: o.clock ?? systemClock,
  });
}

/** The default for `cooldownMs` when no entry gives its own (exported for docs). */
