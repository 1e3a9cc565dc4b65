import 'reflect-metadata';
import {
  FallbackAction,
  FallbackStrategy,
  MemoryStore,
  ResilienceManager,
  ResourceType,
  currentFallback,
  withFallback,
  type QueuedRequest,
  type ResilienceConfig,
} from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { Container, injectable } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { injectResilience } from './inject-resilience.js';
import { resilienceModule } from './resilience-module.js';
import { RESILIENCE_MANAGER } from './tokens.js';

const quiet = { RAMPART_LOG_LEVEL: 'silent' };
const containers: Container[] = [];
afterEach(async () => {
  await Promise.all(containers.splice(0).map((c) => c.unbindAllAsync()));
});

let webhookDown = false;

@injectable()
class MarketingTeam {
  constructor(@injectResilience('marketing-team') readonly resilience: ResilienceManager) {}

  @withFallback(ResourceType.API_QUOTA)
  async generateContent(prompt: string): Promise<string> {
    const provider = currentFallback()?.provider ?? 'openai';
    if (provider === 'openai') throw Object.assign(new Error('quota exhausted'), { status: 429 });
    return `${provider}: ${prompt}`;
  }
}

@injectable()
class OpsTeam {
  constructor(@injectResilience('ops-team') readonly resilience: ResilienceManager) {}

  @withFallback(ResourceType.NETWORK)
  async notify(text: string): Promise<string> {
    if (webhookDown) throw Object.assign(new Error('webhook down'), { status: 503 });
    return `notified: ${text}`;
  }
}

function container(teams: Record<string, ResilienceConfig>): Container {
  const c = new Container();
  c.load(resilienceModule({ teams, classes: [MarketingTeam, OpsTeam] }));
  containers.push(c);
  return c;
}

describe('@rampart/inversify', () => {
  it('binds one manager per team and injects it into team classes', async () => {
    const clock = new FakeClock();
    const c = container({
      'marketing-team': {
        env: quiet,
        clock,
        providers: { api_quota: ['openai', 'anthropic'] },
        fallbackStrategies: { api_quota: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
      },
      'ops-team': { env: quiet, clock },
    });
    const marketing = c.get(MarketingTeam);
    const ops = c.get(OpsTeam);
    expect(marketing).toBe(c.get(MarketingTeam));
    expect(marketing.resilience).toBeInstanceOf(ResilienceManager);
    expect(marketing.resilience.team).toBe('marketing-team');
    expect(ops.resilience.team).toBe('ops-team');
    expect(c.get(RESILIENCE_MANAGER, { name: 'marketing-team' })).toBe(marketing.resilience);
    await expect(marketing.generateContent('launch')).resolves.toBe('anthropic: launch');
  });

  it('stops every manager when the container unbinds, releasing its timers', async () => {
    const clock = new FakeClock();
    const c = container({ 'marketing-team': { env: quiet, clock, checkIntervalMs: 1_000 }, 'ops-team': { env: quiet, clock } });
    const team = c.get(MarketingTeam);
    team.resilience.registerApiQuotaMonitor('openai', () => ({ remaining: 90, limit: 100 }));
    await team.resilience.start();
    await clock.tickAsync(1); // the first round (awaited by start(): a foreground deadline) has released its timer
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingForegroundTimers).toBe(0); // the monitor interval is background work
    await c.unbindAllAsync();
    expect(clock.pendingTimers).toBe(0);
  });

  it('attaches team classes on activation, so requests persisted before a restart are replayed', async () => {
    const store = new MemoryStore();
    const ops = (clock: FakeClock): ResilienceConfig => ({
      env: quiet,
      clock,
      store,
      fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
    });
    const firstClock = new FakeClock();
    const first = container({ 'marketing-team': { env: quiet }, 'ops-team': ops(firstClock) });
    const before = first.get(OpsTeam);
    webhookDown = true;
    const queued = new Promise<QueuedRequest>((r) => before.resilience.onRequestQueued(r));
    const pending = before.notify('disk full').catch((e: Error) => e.name);
    const { id } = await queued;
    await first.unbindAllAsync();
    expect(await pending).toBe('QueueStoppedError');

    webhookDown = false;
    const second = container({ 'marketing-team': { env: quiet }, 'ops-team': ops(new FakeClock({ wallNow: firstClock.wallNow() })) });
    const manager = second.get(RESILIENCE_MANAGER, { name: 'ops-team' });
    const settled = new Promise<QueuedRequest>((r) => manager.onQueuedRequestSettled(r));
    await manager.start();
    expect(manager.getQueuedRequest(id)?.status).toBe('queued'); // nothing to replay it through yet
    second.get(OpsTeam); // activation attaches OpsTeam.notify
    expect(await settled).toMatchObject({ id, status: 'succeeded', result: 'notified: disk full', className: 'OpsTeam', method: 'notify' });
  });

  it('validates its options', () => {
    expect(() => resilienceModule({ teams: {} })).toThrow('resilienceModule.teams: must name at least one team');
    expect(() => resilienceModule({ teams: { a: {} }, class: [] } as never)).toThrow('resilienceModule.class: unknown option; did you mean classes?');
    expect(() => injectResilience('')).toThrow('injectResilience.team: must be a non-empty string');
  });
});
