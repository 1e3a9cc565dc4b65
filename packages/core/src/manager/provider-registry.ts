import { classifyError } from '../classify/classify-error.js';
import type { Clock } from '../clock/clock.js';
import { ConfigError } from '../errors/config-error.js';
import { EventEmitter } from '../events/event.js';
import { ResourceType } from '../resource/resource-types.js';

/** A provider was put into (or kept in) cooldown. */
export interface ProviderCooldownEvent {
  readonly resource: ResourceType;
  readonly provider: string;
  readonly cooldownMs: number;
  /** Wall-clock epoch ms at which the provider is tried again. */
  readonly until: number;
  readonly error?: unknown;
}

/** Options of {@link ProviderRegistry.reportFailure}. */
export interface ProviderFailureOptions {
  /** Skip the provider this long, ms. Default: the error's retry-after, else `providerCooldownMs`. */
  cooldownMs?: number | undefined;
  /** The failure, for its retry-after and for logs. */
  error?: unknown;
}

const VALID_TYPES = new Set<string>(Object.values(ResourceType));

/**
 * Per resource type, the ordered providers SWITCH_PROVIDER walks (LLM providers, DB replicas, MCP
 * servers) and their cooldowns, shared by every caller of the team. Cooldowns are timestamps checked
 * lazily: no timers. `isMonitorDown(type, provider)` tells whether the provider's own monitor
 * (`${type}:${provider}`) reports critical or unavailable.
 */
export class ProviderRegistry {
  readonly #providers = new Map<ResourceType, readonly string[]>();
  readonly #cooldownUntil = new Map<string, number>();
  readonly #clock: Clock;
  readonly #defaultCooldownMs: number;
  readonly #isMonitorDown: (type: ResourceType, provider: string) => boolean;
  readonly #cooldown = new EventEmitter<ProviderCooldownEvent>();
  readonly onCooldown = this.#cooldown.event;

  constructor(
    initial: Readonly<Record<ResourceType, readonly string[]>>,
    defaultCooldownMs: number,
    clock: Clock,
    isMonitorDown: (type: ResourceType, provider: string) => boolean,
  ) {
    for (const [t, names] of Object.entries(initial)) this.#providers.set(t as ResourceType, names);
    this.#defaultCooldownMs = defaultCooldownMs;
    this.#clock = clock;
    this.#isMonitorDown = isMonitorDown;
  }

  set(type: ResourceType, names: readonly string[]): void {
    if (!VALID_TYPES.has(type)) throw new ConfigError('resourceType', `unknown resource type ${JSON.stringify(type)}`, type);
    if (!Array.isArray(names)) throw new ConfigError(`providers.${type}`, 'must be an array of provider names', names);
    names.forEach((n, i) => {
      if (typeof n !== 'string' || n.length === 0) throw new ConfigError(`providers.${type}[${i}]`, 'must be a non-empty string', n);
    });
    if (new Set(names).size !== names.length) throw new ConfigError(`providers.${type}`, 'must not repeat a provider', names);
    this.#providers.set(type, Object.freeze([...names]));
  }

  get(type: ResourceType): readonly string[] {
    return this.#providers.get(type) ?? [];
  }

  /** The first provider of the list (what a plain call uses), if any. */
  primary(type: ResourceType): string | undefined {
    return this.get(type)[0];
  }

  reportFailure(type: ResourceType, provider: string, options: ProviderFailureOptions = {}): void {
    let cooldownMs = options.cooldownMs;
    if (cooldownMs === undefined && options.error !== undefined) cooldownMs = classifyError(options.error).retryAfterMs;
    cooldownMs ??= this.#defaultCooldownMs;
    if (!(cooldownMs >= 0) || !Number.isFinite(cooldownMs)) throw new ConfigError('cooldownMs', 'must be a non-negative finite number', cooldownMs);
    const key = `${type}\u0000${provider}`;
    const until = this.#clock.now() + cooldownMs;
    const current = this.#cooldownUntil.get(key) ?? 0;
    if (until > current) this.#cooldownUntil.set(key, until);
    this.#cooldown.fire({ resource: type, provider, cooldownMs, until: this.#clock.wallNow() + cooldownMs, error: options.error });
  }

  reportSuccess(type: ResourceType, provider: string): void {
    if (this.#cooldownUntil.size > 0) this.#cooldownUntil.delete(`${type}\u0000${provider}`);
  }

  /** Remaining cooldown of a provider, ms (0 when it may be used). */
  cooldownRemainingMs(type: ResourceType, provider: string): number {
    if (this.#cooldownUntil.size === 0) return 0;
    const key = `${type}\u0000${provider}`;
    const until = this.#cooldownUntil.get(key);
    if (until === undefined) return 0;
    const left = until - this.#clock.now();
    if (left > 0) return left;
    this.#cooldownUntil.delete(key);
    return 0;
  }

  /** Not cooling down, and its `${type}:${provider}` monitor (if any) is not critical or unavailable. */
  isAvailable(type: ResourceType, provider: string): boolean {
    return this.cooldownRemainingMs(type, provider) === 0 && !this.#isMonitorDown(type, provider);
  }
}
