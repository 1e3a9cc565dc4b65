// Runs a busy manager on a clock whose timers keep the process alive, then stops it: the process
// must exit on its own, with nothing left to run.
import { FallbackAction } from '../../fallback/fallback-action.js';
import { ResilienceManager } from '../resilience-manager.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../../resource/resource-types.js';
import { refClock } from '../../testing/ref-clock.js';

const manager = new ResilienceManager('exit-team', {
  env: { RAMPART_LOG_LEVEL: 'silent' },
  clock: refClock,
  checkIntervalMs: 50,
  checkTimeoutMs: 20,
  queue: { retryIntervalMs: 30, maxWaitMs: 60_000 },
  providerCooldownMs: 60_000,
  maxProviderWaitMs: 60_000, // SWITCH_PROVIDER waits out the 30 s retry-after: stop() must end that wait
  fallbackStrategies: {
    network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)],
    api_quota: [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 3, baseDelayMs: 60_000 })],
    database: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)],
  },
});
manager.registerMonitor({ name: 'hung', resourceType: ResourceType.MCP_SERVER, check: () => new Promise(() => undefined) });
manager.registerMonitor({ name: 'ok', resourceType: ResourceType.CPU, check: async () => ({ status: ResourceStatus.HEALTHY }) });
await manager.start();
const fail = async () => Promise.reject(Object.assign(new Error('down'), { status: 503 }));
const pending = [
  manager.execute(ResourceType.NETWORK, fail),
  manager.execute(ResourceType.API_QUOTA, fail),
  manager.execute(ResourceType.DATABASE, async () => Promise.reject(Object.assign(new Error('busy'), { status: 429, retryAfterMs: 30_000 }))),
].map((p) => p.then(() => 'resolved', (e: Error) => e.name));
await new Promise((r) => globalThis.setTimeout(r, 200));
await manager.stop();
console.log(`outcomes ${JSON.stringify(await Promise.all(pending))}`);
console.log('stopped');
