import { ConfigError, systemClock, type Clock, type ResilienceConfig } from '@rampart/core';
import { CLOCK_METHODS, redactUrl, zodIssueToConfigError } from '@rampart/core/internal';
import { z } from 'zod';
import { assertSdkInstalled } from '../adapters/sdk-loader.js';
import { hedgingSchema, resolveHedging, type HedgingOptions, type ResolvedHedging } from '../routing/hedging.js';
import type { ProviderKind } from '../types.js';
import type { ResilienceManagerLike } from './manager-like.js';

/** Prices of a provider's model, for cost routing and `costUsd`. */
export interface ProviderPricing {
  /** USD per million input tokens. */
  inputPerMillionUsd: number;
  /** USD per million output tokens. */
  outputPerMillionUsd: number;
}

/** One LLM provider. */
export interface ProviderConfig {
  /** Unique name; the manager reports its quota as `api_quota:<name>`. */
  name: string;
  kind: ProviderKind;
  model: string;
  /** Cheaper model used when the chain degrades the service (DEGRADE_SERVICE). Default: `model`. */
  degradedModel?: string;
  /** Default: OPENAI_API_KEY (kind `openai`), ANTHROPIC_API_KEY (kind `anthropic`); optional for `openai-compatible`. */
  apiKey?: string;
  /** Required for `openai-compatible` (e.g. `http://127.0.0.1:11434/v1`). */
  baseURL?: string;
  /** Per-attempt timeout, ms. Default: the `timeoutMs` option. */
  timeoutMs?: number;
  /** Preference in latency and cost routing: a weight of 2 halves the provider's score. Default 1. */
  weight?: number;
  /** Cooldown after a 429/529 without retry-after, ms. Default: the `cooldownMs` option. */
  cooldownMs?: number;
  pricing?: ProviderPricing;
  /** Extra headers sent with every request (never logged). */
  headers?: Record<string, string>;
  /**
   * A client you already configured (proxy, organization, Azure, custom fetch): an `openai` client
   * for kinds `openai` and `openai-compatible`, an `@anthropic-ai/sdk` client for `anthropic`.
   * Rampart calls it through `client.withOptions({ maxRetries: 0, timeout })` (one request per
   * attempt); its key, base URL, headers and fetch are kept, so `apiKey`, `baseURL` and `headers`
   * are not given with it.
   */
  client?: object;
}

/** How the order of healthy providers is chosen. */
export type Routing = 'order' | 'latency' | 'cost';

/**
 * What a stream does when it fails after output: `error` ends it with a StreamInterruptedError
 * carrying the text so far; `continue` asks the next available provider, once, to continue that text.
 */
export type StreamResumePolicy = 'error' | 'continue';

/** Options of `new ResilientLLM(options)`. */
export interface ResilientLLMOptions {
  /** The team's ResilienceManager. Without it the LLM creates its own (team `team`). */
  manager?: ResilienceManagerLike;
  /** Team name of the LLM's own manager. Default `llm`. */
  team?: string;
  /** Providers in fallback order (first = primary). */
  providers: ProviderConfig[];
  /** `order` (as listed, default), `latency` (fastest first) or `cost` (cheapest first). */
  routing?: Routing;
  /** Per-attempt timeout, ms. Default 60,000. */
  timeoutMs?: number;
  /** Deadline of a whole call (attempts, switches, waits), ms. Default: none beyond the manager's queue wait. */
  deadlineMs?: number;
  /**
   * Hedge slow calls across providers (opt-in): when the provider an attempt uses has not answered
   * (a stream: shown its first token) within a delay, the next available provider is asked beside
   * it, the first answer wins and the other request is aborted (it cools nothing down).
   * `{}` turns it on with the defaults (the primary's recent p90, at most 20% extra requests).
   */
  hedging?: HedgingOptions;
  /**
   * After a stream has shown output and fails (cut, in-band error, idle timeout): `'error'` (default)
   * ends it with a StreamInterruptedError carrying the text so far; `'continue'` (opt-in), when no
   * tool call has started, asks the next available provider once for the same request with the text
   * so far as the start of the assistant's answer (a prefill) and streams its continuation after it.
   * The continuation is another model's writing, and OpenAI-compatible servers may not honour a prefill.
   */
  streamResume?: StreamResumePolicy;
  /** Upper bound of a server's retry-after, ms. Default 60,000. */
  maxRetryAfterMs?: number;
  /** Cooldown of a provider after a 429/529 without retry-after, ms. Default 30,000. */
  cooldownMs?: number;
  /** Cooldown of a provider after an auth/permission/quota-exhausted error, ms. Default 300,000. */
  authCooldownMs?: number;
  /** Max output tokens when a request does not say. Default 1,024. */
  defaultMaxTokens?: number;
  /** Pass a cache key so that USE_CACHE can answer identical requests. Default true. */
  cache?: boolean;
  /** Quota usage (percent) at which `api_quota:<name>` turns degraded / critical. Default 80 / 95. */
  quotaThresholds?: { degraded?: number; critical?: number };
  /**
   * Register an `api_quota:<name>` monitor per provider, fed from response headers. It replaces a
   * monitor of the same key; set false to keep your own. Default true.
   */
  quotaMonitors?: boolean;
  /** Configuration of the LLM's own manager (ignored when `manager` is given). */
  resilience?: ResilienceConfig;
  clock?: Clock;
  /** Where default API keys are read. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** A provider with every default filled in. `apiKey` is never logged or serialised. */
export interface ResolvedProvider extends Readonly<Required<Omit<ProviderConfig, 'baseURL' | 'pricing' | 'headers' | 'client'>>> {
  readonly baseURL: string | undefined;
  /** The user's own SDK client, if given. */
  readonly client: object | undefined;
  readonly pricing: Readonly<ProviderPricing> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
}

export interface ResolvedLlmOptions {
  readonly manager: ResilienceManagerLike | undefined;
  readonly team: string;
  readonly providers: readonly ResolvedProvider[];
  readonly routing: Routing;
  readonly timeoutMs: number;
  readonly deadlineMs: number | undefined;
  readonly hedging: ResolvedHedging | undefined;
  readonly streamResume: StreamResumePolicy;
  readonly maxRetryAfterMs: number;
  readonly cooldownMs: number;
  readonly authCooldownMs: number;
  readonly defaultMaxTokens: number;
  readonly cache: boolean;
  readonly quotaThresholds: { readonly degraded?: number; readonly critical?: number } | undefined;
  readonly quotaMonitors: boolean;
  readonly resilience: Readonly<ResilienceConfig> | undefined;
  readonly clock: Clock;
}

const ms = z.number().finite().positive();
const msOrZero = z.number().finite().nonnegative();
const isManager = (v: unknown) =>
  typeof v === 'object' && v !== null && ['execute', 'setProviders', 'reportProviderFailure', 'isProviderAvailable'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function');

const providerSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, ".", "_" or "-"'),
  kind: z.enum(['openai', 'anthropic', 'openai-compatible']),
  model: z.string().min(1),
  degradedModel: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  timeoutMs: ms.optional(),
  weight: ms.optional(),
  cooldownMs: msOrZero.optional(),
  pricing: z.strictObject({ inputPerMillionUsd: msOrZero, outputPerMillionUsd: msOrZero }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  client: z
    .custom<object>((v) => typeof v === 'object' && v !== null && typeof (v as { withOptions?: unknown }).withOptions === 'function', 'must be an openai or @anthropic-ai/sdk client (an object with withOptions())')
    .optional(),
});

const optionsSchema = z.strictObject({
  manager: z.custom<ResilienceManagerLike>(isManager, 'must be a ResilienceManager').optional(),
  team: z.string().min(1).optional(),
  providers: z.array(providerSchema).min(1, 'must list at least one provider'),
  routing: z.enum(['order', 'latency', 'cost']).optional(),
  timeoutMs: ms.optional(),
  deadlineMs: ms.optional(),
  hedging: hedgingSchema.optional(),
  streamResume: z.enum(['error', 'continue']).optional(),
  maxRetryAfterMs: msOrZero.optional(),
  cooldownMs: msOrZero.optional(),
  authCooldownMs: msOrZero.optional(),
  defaultMaxTokens: z.number().int().positive().optional(),
  cache: z.boolean().optional(),
  quotaMonitors: z.boolean().optional(),
  quotaThresholds: z.strictObject({ degraded: z.number().min(0).max(100).optional(), critical: z.number().min(0).max(100).optional() }).optional(),
  resilience: z.custom<ResilienceConfig>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be a ResilienceConfig object').optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && CLOCK_METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'), 'must be a Clock').optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

const KEY_ENV: Partial<Record<ProviderKind, string>> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };

/**
 * Validate `options` and resolve every default into a new frozen object (the caller's object is never
 * changed). Throws {@link ConfigError} naming the first bad option's path (`providers[1].kind`); the
 * value of an `apiKey` or header is never put in the error.
 */
export function resolveLlmOptions(options: ResilientLLMOptions): ResolvedLlmOptions {
  const parsed = optionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success) throw zodIssueToConfigError(parsed.error.issues[0]!, optionsSchema);
  const o = parsed.data;
  const env = o.env ?? process.env;
  const names = new Set<string>();
  const timeoutMs = o.timeoutMs ?? 60_000;
  const cooldownMs = o.cooldownMs ?? 30_000;
  const providers = o.providers.map((p, i): ResolvedProvider => {
    if (names.has(p.name)) throw new ConfigError(`providers[${i}].name`, `duplicate provider name "${p.name}"`, p.name);
    names.add(p.name);
    const url = p.baseURL === undefined ? undefined : new URL(p.baseURL); // valid: checked by the schema
    if (url?.username || url?.password) {
      // the SDKs would not send it as auth, and quote the URL in errors: pass apiKey or headers instead
      throw new ConfigError(`providers[${i}].baseURL`, 'must not contain credentials (user:password@): pass apiKey or headers instead', redactUrl(url));
    }
    if (p.client !== undefined) return ownClientProvider(p, i, timeoutMs, cooldownMs);
    assertSdkInstalled(p.kind, `providers[${i}].kind`); // an optional peer dependency: say so now, not at the first call
    if (p.kind === 'openai-compatible' && p.baseURL === undefined) {
      throw new ConfigError(`providers[${i}].baseURL`, 'is required for kind "openai-compatible" (e.g. http://127.0.0.1:11434/v1)', undefined);
    }
    const envName = KEY_ENV[p.kind];
    const apiKey = p.apiKey ?? (envName ? env[envName] : undefined) ?? (p.kind === 'openai-compatible' ? 'not-needed' : undefined);
    if (!apiKey) throw new ConfigError(`providers[${i}].apiKey`, `missing: pass apiKey or set ${envName}`, undefined);
    return Object.freeze({
      name: p.name,
      kind: p.kind,
      model: p.model,
      degradedModel: p.degradedModel ?? p.model,
      apiKey,
      baseURL: p.baseURL,
      timeoutMs: p.timeoutMs ?? timeoutMs,
      weight: p.weight ?? 1,
      cooldownMs: p.cooldownMs ?? cooldownMs,
      pricing: p.pricing && Object.freeze({ ...p.pricing }),
      headers: p.headers && Object.freeze({ ...p.headers }),
      client: undefined,
    });
  });
  return Object.freeze({
    manager: o.manager,
    team: o.team ?? 'llm',
    providers: Object.freeze(providers),
    routing: o.routing ?? 'order',
    timeoutMs,
    deadlineMs: o.deadlineMs,
    hedging: resolveHedging(o.hedging),
    streamResume: o.streamResume ?? 'error',
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
    cooldownMs,
    authCooldownMs: o.authCooldownMs ?? 300_000,
    defaultMaxTokens: o.defaultMaxTokens ?? 1024,
    cache: o.cache ?? true,
    quotaThresholds: o.quotaThresholds && Object.freeze({ ...o.quotaThresholds }),
    quotaMonitors: o.quotaMonitors ?? true,
    resilience: o.resilience && Object.freeze({ ...o.resilience }),
    clock: o.clock ?? systemClock,
  });
}

/**
 * A provider given as the user's own SDK client: the client must match the kind (chat completions
 * for `openai`/`openai-compatible`, messages for `anthropic`) and brings its own key and base URL
 * (never logged: kept only to redact them from errors).
 */
function ownClientProvider(p: z.infer<typeof providerSchema>, i: number, timeoutMs: number, cooldownMs: number): ResolvedProvider {
  const path = `providers[${i}]`;
  const client = p.client as { apiKey?: unknown; baseURL?: unknown; chat?: { completions?: unknown }; messages?: unknown };
  const fits = p.kind === 'anthropic' ? typeof client.messages === 'object' && client.messages !== null : typeof client.chat?.completions === 'object';
  if (!fits) {
    throw new ConfigError(`${path}.client`, `does not fit kind "${p.kind}": pass ${p.kind === 'anthropic' ? 'an @anthropic-ai/sdk client' : 'an openai client'}`, undefined);
  }
  for (const key of ['apiKey', 'baseURL', 'headers'] as const) {
    if (p[key] !== undefined) throw new ConfigError(`${path}.${key}`, 'is the client\'s own: not given with client', undefined);
  }
  return Object.freeze({
    name: p.name,
    kind: p.kind,
    model: p.model,
    degradedModel: p.degradedModel ?? p.model,
    apiKey: typeof client.apiKey === 'string' && client.apiKey !== '' ? client.apiKey : 'from-client',
    baseURL: typeof client.baseURL === 'string' ? client.baseURL : undefined,
    timeoutMs: p.timeoutMs ?? timeoutMs,
    weight: p.weight ?? 1,
    cooldownMs: p.cooldownMs ?? cooldownMs,
    pricing: p.pricing && Object.freeze({ ...p.pricing }),
    headers: undefined,
    client: p.client,
  });
}
