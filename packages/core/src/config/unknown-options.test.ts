import { afterEach, describe, expect, it } from 'vitest';
import { configPath } from '../__fixtures__/config-path.js';
import { ExponentialBackoff } from '../backoff/exponential-backoff.js';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { LinearBackoff } from '../backoff/linear-backoff.js';
import { createCircuitBreaker } from '../breaker/circuit-breaker-registry.js';
import { ConsecutiveBreaker } from '../breaker/consecutive-breaker.js';
import { SlidingWindowBreaker } from '../breaker/sliding-window-breaker.js';
import { createBulkhead } from '../bulkhead/bulkhead-policy.js';
import { createChaos } from '../chaos/chaos-policy.js';
import { bulkhead, circuitBreaker, retry, timeout } from '../decorators/policy-decorators.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { withFallback } from '../fallback/with-fallback.js';
import { fallback } from '../fallback-policy/fallback-decorator.js';
import { createFallback } from '../fallback-policy/fallback-policy.js';
import { hedging } from '../hedging/hedging-decorator.js';
import { createHealthHandler, serveHealth } from '../health/health-http.js';
import { createHedging, MAX_HEDGED_ATTEMPTS } from '../hedging/hedging-policy.js';
import { ResilienceManager } from '../manager/resilience-manager.js';
import { ApiQuotaMonitor } from '../monitors/api-quota-monitor.js';
import { CpuMonitor } from '../monitors/cpu-monitor.js';
import { MemoryMonitor } from '../monitors/memory-monitor.js';
import { NetworkMonitor } from '../monitors/network-monitor.js';
import { createRateLimiter } from '../rate-limiter/rate-limiter-registry.js';
import { FallbackStrategy } from '../resource/resource-types.js';
import { createRetry } from '../retry/retry-policy.js';
import { FileStore } from '../store/file-store.js';
import { FakeClock } from '../testing/fake-clock.js';
import { createTimeout } from '../timeout/timeout-policy.js';

// Each factory's options are typed, so the misspellings below need a cast: they are what a
// JavaScript caller, or a TypeScript caller spreading a wider object, can pass.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const any = (o: unknown): any => o;
let n = 0;
const unique = (name: string) => `${name}_unknown_options_${++n}`;
const source = { getHealthReport: () => ({}) as never };

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function manager(config: object): ResilienceManager {
  const m = new ResilienceManager(unique('team'), any(config));
  managers.push(m);
  return m;
}

describe('every factory rejects an unknown option, naming its path', () => {
  it.each<[string, () => unknown, string]>([
    ['createRetry', () => createRetry(any({ retries: 5 })), 'retry.retries'],
    ['createCircuitBreaker', () => createCircuitBreaker('x', any({ threshold: 3 })), 'circuitBreaker("x").threshold'],
    ['createTimeout', () => createTimeout(any({ timeoutMs: 10, timeout: 5 })), 'timeout.timeout'],
    ['createBulkhead', () => createBulkhead(any({ maxConcurrent: 1, queue: 2 })), 'bulkhead.queue'],
    ['createRateLimiter', () => createRateLimiter(unique('rl'), any({ tokensPerInterval: 1, intervalMs: 10, burst: 2 })), ''],
    ['createChaos', () => createChaos(any({ faultRate: 0.1, rate: 0.5 })), 'chaos.rate'],
    ['createHedging', () => createHedging(any({ delayMs: 10, maxHedges: 2 })), 'hedging.maxHedges'],
    ['createFallback', () => createFallback(any({ fallback: 1, value: 2 })), 'fallback.value'],
    ['ExponentialBackoff', () => new ExponentialBackoff(any({ baseDelay: 100 })), 'ExponentialBackoff.baseDelay'],
    ['LinearBackoff', () => new LinearBackoff(any({ step: 100 })), 'LinearBackoff.step'],
    ['FixedBackoff', () => new FixedBackoff(any({ delay: 100 })), 'FixedBackoff.delay'],
    ['ConsecutiveBreaker', () => new ConsecutiveBreaker(any({ failureThreshold: 2, threshold: 3 })), 'ConsecutiveBreaker.threshold'],
    ['SlidingWindowBreaker', () => new SlidingWindowBreaker(any({ windowSize: 10, rate: 0.5 })), ''],
    ['@retry', () => retry(any({ retries: 5 })), 'retry.retries'],
    ['@circuitBreaker', () => circuitBreaker('y', any({ threshold: 3 })), 'circuitBreaker("y").threshold'],
    ['@timeout', () => timeout(any({ ms: 5 })), 'timeout.ms'],
    ['@bulkhead', () => bulkhead(any({ max: 5 })), 'bulkhead.max'],
    ['@hedging', () => hedging(any({ delayMs: 1, delay: 5 })), 'hedging.delay'],
    ['@fallback', () => fallback(any({ fallback: 0, onError: 5 })), 'fallback.onError'],
    ['@withFallback', () => withFallback('api_quota', any({ team: 'x' })), 'withFallback.options.team'],
    ['FallbackAction', () => new FallbackAction(FallbackStrategy.RETRY, any({ attempts: 2 })), 'FallbackAction.options.attempts'],
    ['ResilienceManager', () => manager({ retries: 3 }), 'retries'],
    ['ResilienceManager (nested)', () => manager({ retry: { retries: 3 } }), 'retry.retries'],
    ['ResilienceManager (step)', () => manager({ fallbackStrategies: { api_quota: [{ strategy: 'retry', attempts: 2 }] } }), 'fallbackStrategies.api_quota[0].attempts'],
    ['CpuMonitor', () => new CpuMonitor(any({ threshold: 80 })), 'options.threshold'],
    ['CpuMonitor.eventLoop', () => new CpuMonitor(any({ eventLoop: { delayMs: 5 } })), 'eventLoop.delayMs'],
    ['CpuMonitor.thresholds', () => new CpuMonitor(any({ thresholds: { warning: 50 } })), 'thresholds.warning'],
    ['MemoryMonitor', () => new MemoryMonitor(any({ limit: 5 })), 'options.limit'],
    ['ApiQuotaMonitor', () => new ApiQuotaMonitor('q', () => 1, any({ interval: 5 })), 'options.interval'],
    ['NetworkMonitor', () => new NetworkMonitor(any({ name: 'n', url: 'http://127.0.0.1:1' }), any({ timeout: 5 })), 'options.timeout'],
    ['NetworkMonitor target', () => new NetworkMonitor(any({ name: 'n', url: 'http://127.0.0.1:1', port: 80 })), 'target.port'],
    ['createHealthHandler', () => createHealthHandler(source, any({ name: 'x' })), 'createHealthHandler.options.name'],
    ['FileStore', () => new FileStore('/tmp/rampart-unknown-options', any({ onCorrupt: () => {} })), 'FileStore.options.onCorrupt'],
  ])('%s', (_name, build, path) => {
    const got = configPath(build);
    if (path !== '') expect(got).toBe(path);
    else expect(got).toMatch(/\.(burst|rate)$/);
  });

  it('serveHealth (rejects before listening)', async () => {
    await expect(serveHealth(source, any({ timeoutMs: 5 }))).rejects.toMatchObject({ path: 'serveHealth.options.timeoutMs' });
  });

  it('suggests the option the caller likely meant', () => {
    expect(() => createRetry(any({ retries: 5 }))).toThrow('retry.retries: unknown option; did you mean maxAttempts?');
    expect(() => createCircuitBreaker('z', any({ threshold: 3 }))).toThrow('did you mean failureThreshold?');
    expect(() => manager({ check_interval: 20 })).toThrow('check_interval: unknown option; did you mean checkIntervalMs?');
  });

  it('accepts every documented option', () => {
    const clock = new FakeClock();
    expect(() => createRetry({ maxAttempts: 2, strategy: new FixedBackoff({ delayMs: 1 }), retryOn: [Error], maxRetryAfterMs: 5, clock, random: () => 0 })).not.toThrow();
    expect(() => createHedging({ delayMs: 1, maxHedgedAttempts: 2, handle: () => true, clock })).not.toThrow();
    expect(() => new FallbackAction(FallbackStrategy.SWITCH_PROVIDER, { target: 'a', priority: 1 })).not.toThrow();
    expect(() => FallbackAction.from({ strategy: 'retry', maxAttempts: 2, backoff: 'fixed' })).not.toThrow();
  });
});

describe('cross-field checks', () => {
  it.each<[string, () => unknown, string]>([
    ['backoff maxDelayMs below baseDelayMs', () => new ExponentialBackoff({ baseDelayMs: 100, maxDelayMs: 50 }), 'ExponentialBackoff.maxDelayMs'],
    ['linear maxDelayMs below baseDelayMs', () => new LinearBackoff({ baseDelayMs: 100, maxDelayMs: 50 }), 'LinearBackoff.maxDelayMs'],
    ['multiplier below 1', () => new ExponentialBackoff({ multiplier: 0.5 }), 'ExponentialBackoff.multiplier'],
    ['maxHedgedAttempts above the bound', () => createHedging({ delayMs: 1, maxHedgedAttempts: MAX_HEDGED_ATTEMPTS + 1 }), 'hedging.maxHedgedAttempts'],
    ['an empty provider list for a chain that switches providers', () => manager({ providers: { api_quota: [] } }), 'providers.api_quota'],
    [
      'an empty provider list for a configured chain that switches providers',
      () => manager({ providers: { cpu: [] }, fallbackStrategies: { cpu: [{ strategy: 'switch_provider' }] } }),
      'providers.cpu',
    ],
    ['a repeated provider', () => manager({ providers: { api_quota: ['a', 'b', 'a'] } }), 'providers.api_quota[2]'],
    [
      'a SWITCH_PROVIDER target that is not a provider',
      () => manager({ providers: { api_quota: ['a', 'b'] }, fallbackStrategies: { api_quota: [{ strategy: 'switch_provider', target: 'c' }] } }),
      'fallbackStrategies.api_quota[0].target',
    ],
    [
      'a SWITCH_PROVIDER FallbackAction target that is not a provider',
      () =>
        manager({
          providers: { database: ['primary'] },
          fallbackStrategies: { database: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER, { target: 'replica9' })] },
        }),
      'fallbackStrategies.database[0].target',
    ],
    ['manager retry maxDelayMs below baseDelayMs', () => manager({ retry: { baseDelayMs: 100, maxDelayMs: 10 } }), 'retry.maxDelayMs'],
    [
      'a RETRY step maxDelayMs below baseDelayMs',
      () => manager({ fallbackStrategies: { cpu: [{ strategy: 'retry', baseDelayMs: 100, maxDelayMs: 10 }] } }),
      'fallbackStrategies.cpu[0].maxDelayMs',
    ],
    ['FallbackAction maxDelayMs below baseDelayMs', () => new FallbackAction(FallbackStrategy.RETRY, { baseDelayMs: 100, maxDelayMs: 10 }), 'FallbackAction.options.maxDelayMs'],
  ])('%s', (_name, build, path) => {
    expect(configPath(build)).toBe(path);
  });

  it('accepts a target among the providers, and any target when the config lists none (setProviders comes later)', () => {
    expect(() =>
      manager({ providers: { api_quota: ['a', 'b'] }, fallbackStrategies: { api_quota: [{ strategy: 'switch_provider', target: 'b' }] } }),
    ).not.toThrow();
    expect(() => manager({ fallbackStrategies: { api_quota: [{ strategy: 'switch_provider', target: 'later' }] } })).not.toThrow();
    // an empty list says "no providers" for a chain that does not switch (replacing the seed's default list)
    expect(() => manager({ providers: { database: [] }, fallbackStrategies: { database: [{ strategy: 'circuit_break' }] } })).not.toThrow();
    expect(() => createHedging({ delayMs: 1, maxHedgedAttempts: MAX_HEDGED_ATTEMPTS })).not.toThrow();
  });
});

describe('messages read well', () => {
  it.each<[string, () => unknown, string]>([
    ['a config that is not an object', () => manager(any(5)), 'config: must be an object, got 5'],
    ['a section that is not an object', () => manager({ retry: 'fast' }), 'retry: must be an object, got "fast"'],
    ['an empty string', () => manager({ storagePath: '' }), 'storagePath: must be a non-empty string, got ""'],
    ['options that are not an object', () => createRetry(any('fast')), 'retry: must be an options object, got "fast"'],
    ['thresholds that are not an object', () => new MemoryMonitor(any({ thresholds: [1] })), 'thresholds: must be an object { degraded, critical }, got an array'],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
  });
});

describe('delays above 2^31−1 ms', () => {
  it('FixedBackoff({ delayMs: 2 ** 31 }) waits that long, not 1 ms', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const policy = createRetry({ maxAttempts: 2, strategy: new FixedBackoff({ delayMs: 2 ** 31 }), clock, retryOn: () => true });
    const done = policy.execute(() => {
      if (++calls === 1) throw new Error('once');
      return 'ok';
    });
    await clock.tickAsync(1000);
    expect(calls).toBe(1);
    await clock.tickAsync(2 ** 31);
    await expect(done).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  it('createTimeout({ timeoutMs: 2 ** 31 }) times out then, not after 1 ms', async () => {
    const clock = new FakeClock();
    const policy = createTimeout({ timeoutMs: 2 ** 31, clock });
    const call = policy.execute(() => new Promise(() => {}));
    const outcome = call.then(
      () => 'resolved',
      (e: unknown) => (e as Error).name,
    );
    await clock.tickAsync(1000);
    expect(await Promise.race([outcome, Promise.resolve('pending')])).toBe('pending');
    await clock.tickAsync(2 ** 31);
    expect(await outcome).toBe('TimeoutError');
  });
});
