// Runs in both vitest projects: as TC39 standard decorators and as legacy experimentalDecorators.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { currentFallback } from '../fallback/fallback-context.js';
import { withFallback } from '../fallback/with-fallback.js';
import { FallbackStrategy, ResourceStatus } from '../resource/resource-types.js';
import { drive, SettableMonitor, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function vectorTeam() {
  const t = testManager({
    resourceTypes: ['vector_db'],
    providers: { vector_db: ['pinecone', 'qdrant'] },
    fallbackStrategies: { vector_db: [{ strategy: FallbackStrategy.SWITCH_PROVIDER }, { strategy: FallbackStrategy.USE_CACHE }] },
  });
  managers.push(t.manager);
  return t;
}

describe('@withFallback on a custom resource type', () => {
  it('switches providers, skips one its monitor reports down, and answers from the cache when all fail', async () => {
    const { manager, clock } = vectorTeam();
    const qdrantMonitor = new SettableMonitor('qdrant', 'vector_db');
    manager.registerMonitor(qdrantMonitor);
    await manager.start();
    const down = new Set<string>();
    class Search {
      resilience = manager;
      providers: string[] = [];
      @withFallback('vector_db')
      async nearest(query: string): Promise<string> {
        const provider = currentFallback()?.provider ?? 'pinecone';
        this.providers.push(provider);
        if (down.has(provider)) throw Object.assign(new Error(`connect ECONNREFUSED ${provider}`), { code: 'ECONNREFUSED' });
        return `${provider}:${query}`;
      }
    }
    const search = new Search();
    await expect(search.nearest('cats')).resolves.toBe('pinecone:cats');
    down.add('pinecone');
    await expect(drive(clock, search.nearest('dogs'))).resolves.toBe('qdrant:dogs');
    expect(currentFallback()).toBeUndefined();

    down.add('qdrant');
    qdrantMonitor.set(ResourceStatus.UNAVAILABLE);
    await manager.checkNow();
    search.providers = [];
    await expect(drive(clock, search.nearest('cats'))).resolves.toBe('pinecone:cats'); // from the cache
    expect(search.providers).not.toContain('qdrant'); // its monitor says down: not tried

    const report = await manager.getHealthReport();
    expect(report.resource_health['vector_db']?.status).toBe('unavailable');
    expect(report.providers['vector_db']?.qdrant).toMatchObject({ state: 'monitor_down' });
  });

  it('a method decorated with a type its manager does not declare rejects with a ConfigError listing the known types', async () => {
    const { manager } = vectorTeam();
    class Typo {
      resilience = manager;
      @withFallback('vectr_db')
      async nearest(): Promise<string> {
        return 'never';
      }
    }
    const err = await new Typo().nearest().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/unknown resource type "vectr_db" \(known: api_quota, .*, vector_db;/);
    expect(() => withFallback('Vector-DB')).toThrow(/^withFallback\.resourceType: unknown resource type "Vector-DB"/);
  });
});
