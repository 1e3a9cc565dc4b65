// Runs in both vitest projects: as TC39 standard decorators and as legacy experimentalDecorators.
import { afterEach, describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { circuitBreakers } from '../breaker/circuit-breaker-registry.js';
import { circuitBreaker, retry } from '../decorators/policy-decorators.js';
import { ConfigError } from '../errors/config-error.js';
import { drive, httpError, rejection, testManager } from '../manager/__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from '../manager/resilience-manager.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { MemoryStore } from '../store/memory-store.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FallbackAction } from './fallback-action.js';
import { currentFallback, type FallbackContext } from './fallback-context.js';
import { withFallback } from './with-fallback.js';

/** Which decorator mode this file was compiled in: legacy decorators receive (target, key, descriptor). */
let LEGACY = false;
function probe(...args: unknown[]): void {
  LEGACY = args.length === 3;
}
class Probe {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  @(probe as any)
  m(): void {}
}
void Probe;

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  circuitBreakers.clear();
});
function make(config = {}) {
  const t = testManager(config);
  managers.push(t.manager);
  return t;
}

describe('@withFallback', () => {
  it('guards a method with the chain of the manager in its `resilience` property, keeping `this`', async () => {
    const { manager, clock } = make({ providers: { api_quota: ['openai', 'anthropic'] } });
    class MarketingTeam {
      resilience = manager;
      readonly prefix = 'ad';
      contexts: Array<FallbackContext | undefined> = [];
      @withFallback(ResourceType.API_QUOTA)
      async generateContent(prompt: string): Promise<string> {
        const fb = currentFallback();
        this.contexts.push(fb);
        if ((fb?.provider ?? 'openai') === 'openai') throw httpError(429, 'quota exhausted');
        return `${this.prefix}:${fb?.provider}:${prompt}`;
      }
    }
    const team = new MarketingTeam();
    await expect(drive(clock, team.generateContent('shoes'))).resolves.toBe('ad:anthropic:shoes');
    // a 429: the chain switches at once (no retry of the provider that refused)
    expect(team.contexts.map((c) => c?.strategy)).toEqual([undefined, 'switch_provider']);
    expect(team.contexts[1]).toEqual({ resource: 'api_quota', strategy: 'switch_provider', provider: 'anthropic', degradation: 0, attempt: 2 });
  });

  it('a guarded method calling an integration on the same manager and type: only the method’s chain runs', async () => {
    const { manager, clock } = make({ providers: { api_quota: ['openai', 'anthropic'] } });
    const requests: string[] = [];
    // what ResilientLLM does: it says its calls may nest, and every call goes through manager.execute(API_QUOTA, …)
    manager.expectNestedCalls(ResourceType.API_QUOTA);
    const invoke = (prompt: string) =>
      manager.execute(ResourceType.API_QUOTA, async (p: string) => {
        const provider = currentFallback()?.provider ?? 'openai';
        requests.push(provider);
        if (provider === 'openai') throw httpError(429, 'quota exhausted');
        return `${provider}:${p}`;
      }, { args: [prompt] });
    class MarketingTeam {
      resilience = manager;
      @withFallback(ResourceType.API_QUOTA)
      async generateContent(prompt: string): Promise<string> {
        return invoke(prompt);
      }
    }
    await expect(drive(clock, new MarketingTeam().generateContent('shoes'))).resolves.toBe('anthropic:shoes');
    // the default chain once: the plain call, the switch (a nested chain would add its own)
    expect(requests).toEqual(['openai', 'anthropic']);
  });

  it('finds a manager held by any property, and names the class when there is none', async () => {
    const { manager } = make();
    class Other {
      constructor(readonly rm: ResilienceManager) {}
      @withFallback(ResourceType.CPU)
      async work(): Promise<string> {
        return 'done';
      }
    }
    await expect(new Other(manager).work()).resolves.toBe('done');
    class Lonely {
      @withFallback(ResourceType.CPU)
      async work(): Promise<string> {
        return 'never';
      }
    }
    const err = await rejection(new Lonely().work());
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Lonely\.work: @withFallback: no ResilienceManager found on the Lonely instance/);
  });

  it('wraps free functions given a manager, and validates its arguments', async () => {
    const { manager } = make();
    const double = withFallback(ResourceType.NETWORK, { manager })(async (n: number) => n * 2);
    await expect(double(21)).resolves.toBe(42);
    await expect(withFallback(ResourceType.NETWORK)(async () => 1)()).rejects.toThrow(/needs \{ manager \}/);
    expect(() => withFallback('Quota')).toThrow('withFallback.resourceType: unknown resource type "Quota"');
    // a well-formed name the manager does not know: each call rejects, listing the known types
    await expect(withFallback('quota', { manager })(async () => 1)()).rejects.toThrow(/^resourceType: unknown resource type "quota" \(known: api_quota, .*k8s_pod;/);
  });

  it('composes with @retry below it: the chain runs after the method’s own retries give up', async () => {
    const clock = new FakeClock();
    const { manager } = make({ clock, providers: { api_quota: ['openai', 'anthropic'] } });
    const calls: string[] = [];
    class Writer {
      resilience = manager;
      @withFallback(ResourceType.API_QUOTA)
      @retry({ maxAttempts: 2, strategy: new FixedBackoff({ delayMs: 10 }), clock })
      async write(topic: string): Promise<string> {
        const provider = currentFallback()?.provider ?? 'openai';
        calls.push(`${provider}/${currentFallback()?.strategy ?? 'plain'}`);
        if (provider === 'openai') throw httpError(503, 'openai down');
        return `${provider}: ${topic}`;
      }
    }
    await expect(drive(clock, new Writer().write('tea'))).resolves.toBe('anthropic: tea');
    // the plain invocation runs the method's own retry (2 attempts); the chain's RETRY then goes to anthropic at once
    expect(calls).toEqual(['openai/plain', 'openai/plain', 'anthropic/retry']);
  });

  it('composes with @circuitBreaker below it: once the method’s breaker is open, the chain answers from the cache', async () => {
    const clock = new FakeClock();
    const { manager } = make({ clock, fallbackStrategies: { database: [new FallbackAction(FallbackStrategy.USE_CACHE)] } });
    let down = false;
    let calls = 0;
    class Repo {
      resilience = manager;
      @withFallback(ResourceType.DATABASE)
      @circuitBreaker('repo_query', { failureThreshold: 2, recoveryTimeoutMs: 60_000, clock })
      async query(sql: string): Promise<string> {
        calls++;
        if (down) throw httpError(503, 'primary down');
        return `rows of ${sql}`;
      }
    }
    const repo = new Repo();
    await expect(repo.query('select 1')).resolves.toBe('rows of select 1');
    down = true;
    await expect(repo.query('select 1')).resolves.toBe('rows of select 1');
    await expect(repo.query('select 1')).resolves.toBe('rows of select 1');
    expect(circuitBreakers.get('repo_query')?.state).toBe('open');
    calls = 0;
    await expect(repo.query('select 1')).resolves.toBe('rows of select 1'); // fails fast inside, cache outside
    expect(calls).toBe(0);
    const report = await manager.getHealthReport();
    expect(report.circuits.repo_query).toMatchObject({ state: 'open', failures: 2 });
    expect(report.overall_health).toBe('degraded');
  });

  it('offers decorated methods for replay: automatically (TC39) or via attach() (legacy), and on first call', async () => {
    const store = new MemoryStore();
    const config = { store, queue: { retryIntervalMs: 100 }, fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] } };
    const first = make(config);
    let down = true;
    class Hook {
      constructor(readonly resilience: ResilienceManager) {}
      @withFallback(ResourceType.NETWORK)
      async post(body: { n: number }): Promise<string> {
        if (down) throw httpError(503);
        return `posted ${body.n}`;
      }
      @withFallback(ResourceType.NETWORK)
      async other(): Promise<void> {}
    }
    const queued = new Promise<string>((r) => first.manager.onRequestQueued((q) => r(q.id)));
    const pending = rejection(new Hook(first.manager).post({ n: 7 }));
    const id = await queued;
    await first.manager.stop();
    await pending;
    down = false;
    const second = make({ ...config, clock: new FakeClock({ wallNow: first.clock.wallNow() }) });
    const settled = new Promise<void>((r) => second.manager.onQueuedRequestSettled(() => r()));
    await second.manager.start();
    const hook = new Hook(second.manager);
    await new Promise((r) => setTimeout(r, 0)); // the TC39 initializer attaches in a microtask
    // TC39: the instance attached itself on construction; legacy: nothing did until now (2 methods)
    expect(second.manager.attach(hook)).toBe(LEGACY ? 2 : 0);
    await drive(second.clock, settled);
    expect(second.manager.getQueuedRequest(id)).toMatchObject({ status: 'succeeded', result: 'posted 7' });
    expect(second.manager.attach(hook)).toBe(0);
  });
});
