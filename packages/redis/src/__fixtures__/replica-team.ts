import { currentFallback, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType, type Clock } from '@rampart/core';

/**
 * One replica of a team that writes with LLM providers openai → anthropic: SWITCH_PROVIDER, then
 * CIRCUIT_BREAK; a provider's breaker opens on its first failure and half-opens after 60 s.
 * Tests and the child process build their managers with it, so every replica has the same config.
 */
export class ReplicaTeam {
  readonly manager: ResilienceManager;
  /** Providers that fail (HTTP 503) while listed. */
  readonly down = new Set<string>();
  /** Every provider invoked, in order. */
  readonly calls: string[] = [];

  constructor(team: string, clock?: Clock) {
    this.manager = new ResilienceManager(team, {
      env: { RAMPART_LOG_LEVEL: 'silent' },
      ...(clock ? { clock } : {}),
      providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic'] },
      providerCooldownMs: 1_000,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      fallbackStrategies: {
        [ResourceType.API_QUOTA]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)],
      },
    });
  }

  /** One guarded LLM call; answers with the provider that served it. */
  write(): Promise<string> {
    return this.manager.execute(ResourceType.API_QUOTA, async () => {
      const provider = currentFallback()?.provider ?? 'openai';
      this.calls.push(provider);
      if (this.down.has(provider)) throw Object.assign(new Error(`${provider}: overloaded`), { status: 503 });
      return provider;
    });
  }

  /** The manager's breaker of `provider`, if created. */
  breaker(provider: string) {
    return this.manager.getCircuitBreakers().find((e) => e.provider === provider)?.breaker;
  }
}
