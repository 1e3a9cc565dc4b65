import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackExhaustedError } from '../fallback/fallback-exhausted-error.js';
import { currentFallback } from '../fallback/fallback-context.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { MemoryStore } from '../store/memory-store.js';
import { drive, httpError, rejection, SettableMonitor, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceConfig } from './resilience-config.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

const { SWITCH_PROVIDER, USE_CACHE } = FallbackStrategy;

/** A team with a custom `vector_db` type: two providers, SWITCH_PROVIDER then USE_CACHE. */
function vectorTeam(config: ResilienceConfig = {}) {
  const t = testManager({
    resourceTypes: ['vector_db', 'search_api'],
    providers: { vector_db: ['pinecone', 'qdrant'] },
    fallbackStrategies: { vector_db: [new FallbackAction(SWITCH_PROVIDER), { strategy: USE_CACHE }] },
    ...config,
  });
  managers.push(t.manager);
  return t;
}

function configError(config: ResilienceConfig): ConfigError {
  try {
    testManager(config);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('custom resource types', () => {
  it('run through execute with their providers, SWITCH_PROVIDER and USE_CACHE chain', async () => {
    const { manager, clock } = vectorTeam();
    await manager.start();
    const down = new Set<string>();
    const search = (q: string) =>
      manager.execute(
        'vector_db',
        async (query: string) => {
          const provider = currentFallback()?.provider ?? 'pinecone';
          if (down.has(provider)) throw Object.assign(new Error(`connect ECONNREFUSED ${provider}`), { code: 'ECONNREFUSED' });
          return `${provider}:${query}`;
        },
        { args: [q], key: 'search' },
      );
    await expect(search('cats')).resolves.toBe('pinecone:cats');
    down.add('pinecone');
    await expect(drive(clock, search('dogs'))).resolves.toBe('qdrant:dogs');
    down.add('qdrant');
    // every provider down: USE_CACHE answers with the earlier result for the same arguments
    await expect(drive(clock, search('cats'))).resolves.toBe('pinecone:cats');
    expect(manager.getProviders('vector_db')).toEqual(['pinecone', 'qdrant']);
    expect(manager.isProviderAvailable('vector_db', 'pinecone')).toBe(false);
  });

  it('without a configured chain, run the plain call only', async () => {
    const { manager } = vectorTeam();
    expect(manager.config.chains['search_api' as ResourceType]).toEqual([]);
    let calls = 0;
    const fail = () => {
      calls++;
      return Promise.reject(httpError(503));
    };
    const err = await manager.execute('search_api', fail).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect((err as FallbackExhaustedError).message).toMatch(/^All fallbacks for search_api failed/);
    expect(calls).toBe(1); // no retry, no switch
    await expect(manager.execute('search_api', async () => 'ok')).resolves.toBe('ok');
  });

  it('appear in the health report: monitors, providers and resource health', async () => {
    const { manager } = vectorTeam();
    const pinecone = new SettableMonitor('pinecone', 'vector_db');
    manager.registerMonitor(pinecone);
    manager.registerMonitor(new SettableMonitor('index', 'search_api'));
    await manager.start();
    pinecone.set(ResourceStatus.UNAVAILABLE);
    await manager.checkNow();
    const report = await manager.getHealthReport();
    expect(report.resources['vector_db:pinecone']?.status).toBe('unavailable');
    expect(report.resources['search_api:index']?.status).toBe('healthy');
    expect(report.providers['vector_db']?.pinecone).toMatchObject({ available: false, state: 'monitor_down' });
    expect(report.providers['vector_db']?.qdrant).toMatchObject({ available: true, state: 'available' });
    expect(report.resource_health['vector_db']).toMatchObject({ status: 'degraded', providers_available: 1, providers_total: 2 });
    expect(report.overall_health).toBe('degraded');
    expect(manager.getStatus('vector_db')).toBe('unavailable');
  });

  it('a monitor going down and up again: calls skip the provider, then return to it within a check', async () => {
    const { manager, clock } = vectorTeam();
    const pinecone = new SettableMonitor('pinecone', 'vector_db');
    manager.registerMonitor(pinecone);
    await manager.start();
    const who = () => manager.execute('vector_db', async () => currentFallback()?.provider ?? 'pinecone');
    pinecone.set(ResourceStatus.UNAVAILABLE);
    await manager.checkNow();
    await expect(drive(clock, who())).resolves.toBe('qdrant');
    pinecone.set(ResourceStatus.HEALTHY);
    await manager.checkNow();
    await expect(drive(clock, who())).resolves.toBe('pinecone');
  });

  it('a queued call of a custom type is replayed when its monitor recovers', async () => {
    const { manager, clock } = vectorTeam({ fallbackStrategies: { search_api: [{ strategy: FallbackStrategy.QUEUE_REQUEST }] } });
    const index = new SettableMonitor('index', 'search_api');
    manager.registerMonitor(index);
    await manager.start();
    let up = false;
    const call = manager.execute('search_api', async () => {
      if (!up) throw httpError(503);
      return 'answered';
    });
    await clock.tickAsync(10);
    expect((await manager.getHealthReport()).queues['search_api']?.size).toBe(1);
    up = true;
    index.set(ResourceStatus.UNAVAILABLE);
    await manager.checkNow();
    index.set(ResourceStatus.HEALTHY);
    await manager.checkNow(); // down → healthy: the resource recovers and its queue drains
    await expect(drive(clock, call)).resolves.toBe('answered');
  });

  it("a custom type's open breakers stay open across a restart, and are dropped once it is no longer declared", async () => {
    const store = new MemoryStore();
    const config: ResilienceConfig = { store, fallbackStrategies: { vector_db: [{ strategy: FallbackStrategy.CIRCUIT_BREAK }] }, circuitBreaker: { failureThreshold: 1 } };
    const first = vectorTeam(config).manager;
    await first.start();
    await rejection(first.execute('vector_db', async () => Promise.reject(httpError(503))));
    expect((await first.getHealthReport()).circuits['test-team/vector_db/pinecone']?.state).toBe('open');
    await first.stop();

    const second = vectorTeam(config).manager;
    await second.start();
    expect((await second.getHealthReport()).circuits['test-team/vector_db/pinecone']?.state).toBe('open');
    expect(second.isProviderAvailable('vector_db', 'pinecone')).toBe(false);
    await second.stop();

    const without = testManager({ store });
    managers.push(without.manager);
    await without.manager.start(); // the stored vector_db breaker belongs to no known type: ignored
    expect(without.manager.getCircuitBreakers()).toEqual([]);
  });

  it("circuitBreakerSource().get names a custom type's breakers, and nothing for unknown types", () => {
    const { manager } = vectorTeam({ fallbackStrategies: { vector_db: [{ strategy: FallbackStrategy.CIRCUIT_BREAK }] } });
    const source = manager.circuitBreakerSource();
    expect(source.get('test-team/vector_db/pinecone')?.name).toBe('test-team/vector_db/pinecone');
    for (const name of ['test-team/vectr_db/pinecone', 'test-team/toString', 'test-team/constructor/x', 'test-team/search_api']) {
      expect(source.get(name), name).toBeUndefined(); // search_api: declared, but its chain has no CIRCUIT_BREAK
    }
  });

  it('an undeclared type is a ConfigError naming it and listing the known types, wherever it is used', async () => {
    const { manager } = vectorTeam();
    const known = /known: api_quota, memory, cpu, database, mcp_server, network, docker, k8s_pod, vector_db, search_api;/;
    await expect(manager.execute('vectr_db', async () => 1)).rejects.toThrow(ConfigError);
    await expect(manager.execute('vectr_db', async () => 1)).rejects.toThrow(/^resourceType: unknown resource type "vectr_db" \(known: .*vector_db/);
    expect(() => manager.registerMonitor(new SettableMonitor('x', 'vectr_db'))).toThrow(known);
    expect(() => manager.registerMonitor(new SettableMonitor('x', 'vectr_db'))).toThrow(/^monitor\.resourceType: unknown resource type "vectr_db"/);
    expect(() => manager.setProviders('vectr_db', ['a'])).toThrow(known);
    expect(configError({ resourceTypes: ['vector_db'], providers: { vectr_db: ['a'] } }).path).toBe('providers.vectr_db');
    expect(configError({ resourceTypes: ['vector_db'], fallbackStrategies: { vectr_db: [] } }).message).toMatch(
      /^fallbackStrategies\.vectr_db: unknown resource type "vectr_db" \(known: .*, vector_db;/,
    );
    expect(configError({ concurrency: { vector_db: 2 } }).path).toBe('concurrency.vector_db'); // not declared
  });

  it('invalid names are ConfigErrors naming the config path', () => {
    for (const [bad, path] of [
      [['Vector_DB'], 'resourceTypes[0]'],
      [['vector_db', 'vector-db'], 'resourceTypes[1]'],
      [['9lives'], 'resourceTypes[0]'],
      [[''], 'resourceTypes[0]'],
      [[42], 'resourceTypes[0]'],
      [['a'.repeat(65)], 'resourceTypes[0]'],
      [['database'], 'resourceTypes[0]'],
      [['vector_db', 'vector_db'], 'resourceTypes[1]'],
    ] as const) {
      expect(configError({ resourceTypes: bad as unknown as string[] }).path).toBe(path);
    }
    expect(configError({ resourceTypes: ['database'] }).message).toBe('resourceTypes[0]: "database" is a built-in resource type; declare only custom ones');
    expect(configError({ resourceTypes: 'vector_db' as unknown as string[] }).path).toBe('resourceTypes');
  });

  it('leave the built-in types as they are', () => {
    const { manager } = vectorTeam();
    expect(manager.config.resourceTypes).toEqual([...Object.values(ResourceType), 'vector_db', 'search_api']);
    expect(testManager().manager.config.resourceTypes).toEqual(Object.values(ResourceType));
  });
});
