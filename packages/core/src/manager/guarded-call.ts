import { createHash } from 'node:crypto';
import { serializeArgs } from '../cache/json-args.js';
import type { Deadline } from '../clock/deadline.js';
import type { CallIdentity, FallbackCall } from '../fallback/chain-types.js';
import type { ExecuteWithFallbackOptions } from '../fallback/fallback-host.js';
import type { FallbackAction } from '../fallback/fallback-action.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackStrategy, type ResourceType } from '../resource/resource-types.js';

/** What a chain of a resource type needs prepared for each call. */
export interface ChainNeeds {
  /** The chain has USE_CACHE: results are cached and identical concurrent calls coalesced. */
  readonly cache: boolean;
  /** The chain has QUEUE_REQUEST and a store exists: arguments are serialised for persistence. */
  readonly persist: boolean;
}

const MAX_PLAIN_KEY = 256;

/**
 * Build the {@link FallbackCall} of one `execute` (`providers`: its validated own list, if any;
 * `limit`: its overall deadline, undefined = none, for replays): serialises arguments only when the
 * chain needs them.
 */
export function makeGuardedCall<T>(
  resource: ResourceType,
  fn: (...args: unknown[]) => PromiseLike<T> | T,
  options: ExecuteWithFallbackOptions,
  providers: readonly string[] | undefined,
  needs: ChainNeeds,
  limit: Deadline | undefined,
): FallbackCall<T> {
  const args = options.args ?? [];
  let argsJson: string | undefined;
  let argsNotSerialisable: string | undefined;
  if (needs.cache || (needs.persist && options.identity)) {
    const s = serializeArgs(options.args ?? options.input ?? args);
    if (s.ok) argsJson = s.json;
    else argsNotSerialisable = s.reason;
  }
  const key = options.key ?? (fn.name || undefined);
  let cacheKey: string | undefined;
  if (needs.cache && key !== undefined && argsJson !== undefined) {
    const digest = argsJson.length > MAX_PLAIN_KEY ? createHash('sha256').update(argsJson).digest('base64url') : argsJson;
    cacheKey = `${key}\u0000${digest}`;
  }
  return new GuardedCall(resource, fn, args, providers, cacheKey, argsJson, argsNotSerialisable, options, limit);
}

/**
 * One call's {@link FallbackCall}: a class, so that its two getters live on the prototype (an object
 * literal with getters makes new accessor functions, and a slow object, per call).
 */
class GuardedCall<T> implements FallbackCall<T> {
  readonly identity: CallIdentity | undefined;
  readonly passAttempt: boolean;
  readonly queuePriority: number;
  readonly operation: string | undefined;
  readonly #options: ExecuteWithFallbackOptions;
  readonly #limit: Deadline | undefined;

  constructor(
    readonly resource: ResourceType,
    readonly fn: (...args: unknown[]) => PromiseLike<T> | T,
    readonly args: readonly unknown[],
    readonly providers: readonly string[] | undefined,
    readonly cacheKey: string | undefined,
    readonly argsJson: string | undefined,
    readonly argsNotSerialisable: string | undefined,
    options: ExecuteWithFallbackOptions,
    limit: Deadline | undefined,
  ) {
    this.identity = options.identity;
    this.passAttempt = options.args === undefined;
    this.queuePriority = options.priority ?? 0;
    this.operation = options.operation === undefined ? undefined : operationName(options.operation);
    this.#options = options;
    this.#limit = limit;
  }

  /**
   * The call's deadline signal (it also aborts with the caller's): read only on the paths that wait
   * or hand a signal on, so a call that succeeds at once allocates no AbortController.
   */
  get signal(): AbortSignal | undefined {
    return this.#limit === undefined ? this.#options.signal : this.#limit.signal;
  }

  get deadline(): number {
    return this.#limit === undefined ? Number.POSITIVE_INFINITY : this.#limit.at;
  }
}

/** A call's `operation` option: a non-empty string. */
function operationName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError('operation', 'must be a non-empty string', value);
  return value;
}

/** What each resource type's chain needs prepared per call. */
export function chainNeeds(chains: Readonly<Record<ResourceType, readonly FallbackAction[]>>, hasStore: boolean): Record<ResourceType, ChainNeeds> {
  const out = {} as Record<ResourceType, ChainNeeds>;
  for (const [type, chain] of Object.entries(chains) as Array<[ResourceType, readonly FallbackAction[]]>) {
    const strategies = new Set(chain.map((a) => a.strategy));
    out[type] = { cache: strategies.has(FallbackStrategy.USE_CACHE), persist: hasStore && strategies.has(FallbackStrategy.QUEUE_REQUEST) };
  }
  return out;
}
