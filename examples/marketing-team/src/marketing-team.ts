// The seed's MarketingTeam: a ResilienceManager, monitors, and methods guarded by @withFallback.
import {
  currentFallback,
  FallbackAction,
  FallbackStrategy,
  ResilienceManager,
  ResourceStatus,
  ResourceType,
  withFallback,
  type ResourceMonitor,
} from '@rampart/core';
import { ResilientLLM, type ChatResponse, type ProviderConfig } from '@rampart/llm';

/** A memory monitor the demo can push into pressure (a real team would use MemoryMonitor). */
export class SimulatedMemoryMonitor implements ResourceMonitor {
  readonly name = 'worker-pool';
  readonly resourceType = ResourceType.MEMORY;
  usage = 40;
  async check(): Promise<{ status: ResourceStatus; usage: number }> {
    const status = this.usage >= 95 ? ResourceStatus.CRITICAL : this.usage >= 80 ? ResourceStatus.DEGRADED : ResourceStatus.HEALTHY;
    return { status, usage: this.usage };
  }
}

export class MarketingTeam {
  readonly resilience = new ResilienceManager('marketing-team', {
    checkIntervalMs: 20_000,
    hysteresis: { worsenAfter: 1, recoverAfter: 1 },
    providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic', 'local'] },
    retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
    providerCooldownMs: 1_000,
    // SWITCH_PROVIDER waits at most 50 ms for a provider to come back; a longer outage parks the call
    maxProviderWaitMs: 50,
    queue: { maxQueueSize: 100, maxWaitMs: 30_000, retryIntervalMs: 100 },
    fallbackStrategies: {
      // The seed's API quota chain, with the cache before the queue (Per-Team Configuration).
      [ResourceType.API_QUOTA]: [
        new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 2 }),
        new FallbackAction(FallbackStrategy.SWITCH_PROVIDER),
        new FallbackAction(FallbackStrategy.DEGRADE_SERVICE),
        new FallbackAction(FallbackStrategy.USE_CACHE),
        new FallbackAction(FallbackStrategy.QUEUE_REQUEST),
      ],
      [ResourceType.MEMORY]: [
        new FallbackAction(FallbackStrategy.USE_CACHE),
        new FallbackAction(FallbackStrategy.DEGRADE_SERVICE),
        new FallbackAction(FallbackStrategy.SCALE_DOWN),
      ],
    },
  });
  readonly llm: ResilientLLM;
  readonly memory = new SimulatedMemoryMonitor();

  constructor(providers: ProviderConfig[]) {
    // Short cooldowns so the demo's recoveries show within seconds (production default: 30 s).
    this.llm = new ResilientLLM({ manager: this.resilience, providers, cooldownMs: 1_000 });
  }

  async start(): Promise<void> {
    await this.resilience.start();
    this.resilience.registerMonitor(this.memory);
    await this.resilience.checkNow();
  }

  async stop(): Promise<void> {
    await this.llm.close();
    await this.resilience.stop();
  }

  /** Automatically handles API quota failures: provider switch, cheaper model, cache, queue. */
  @withFallback(ResourceType.API_QUOTA)
  async generateContent(prompt: string): Promise<ChatResponse> {
    return this.llm.invoke(prompt);
  }

  /** Under memory pressure: answer from cache, then a lighter summary (degradation > 0). */
  @withFallback(ResourceType.MEMORY)
  async summarizeCampaign(brief: string): Promise<string> {
    const level = currentFallback()?.degradation ?? 0;
    if (level === 0 && this.memory.usage >= 95) throw new Error('out of memory building the full summary');
    const words = brief.split(/\s+/);
    return level > 0 ? `[light] ${words.slice(0, 4).join(' ')}…` : `[full] ${words.join(' ')}`;
  }
}
