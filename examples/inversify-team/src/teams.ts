import { ResilienceManager, ResourceType, currentFallback, withFallback } from '@rampart/core';
import { injectResilience } from '@rampart/inversify';
import { injectable } from 'inversify';
import { SimulatedProviders } from './simulated-providers.js';

/** The seed's MarketingTeam, built by the container: its manager is injected, not constructed. */
@injectable()
export class MarketingTeam {
  readonly providers = new SimulatedProviders();

  constructor(@injectResilience('marketing-team') readonly resilience: ResilienceManager) {}

  async start(): Promise<void> {
    await this.resilience.start();
    this.resilience.registerApiQuotaMonitor('openai', () => this.providers.quota('openai'));
    this.resilience.registerApiQuotaMonitor('anthropic', () => this.providers.quota('anthropic'));
    await this.resilience.checkNow();
  }

  @withFallback(ResourceType.API_QUOTA)
  async generateContent(prompt: string): Promise<string> {
    const fallback = currentFallback();
    return this.providers.complete(fallback?.provider ?? 'openai', prompt, fallback?.degradation ?? 0);
  }
}

/** A second team with its own manager and configuration. */
@injectable()
export class SupportTeam {
  constructor(@injectResilience('support-team') readonly resilience: ResilienceManager) {}

  @withFallback(ResourceType.NETWORK)
  async answerTicket(ticket: number): Promise<string> {
    return `ticket ${ticket} answered (attempt ${currentFallback()?.attempt ?? 1})`;
  }
}
