// A started-then-stopped manager with monitors (memory, CPU, network, API quota), after a round of
// checks, a call and a queued call: stop() leaves nothing holding the process.
import { CpuMonitor, MemoryMonitor, NetworkMonitor, ResilienceManager, ResourceType } from '@rampart/core';

const manager = new ResilienceManager('waits-stopped', {
  checkIntervalMs: 60_000,
  queue: { retryIntervalMs: 60_000 },
  fallbackStrategies: { network: [{ strategy: 'queue_request' }] },
});
manager.registerMonitor(new MemoryMonitor());
manager.registerMonitor(new CpuMonitor());
manager.registerMonitor(new NetworkMonitor({ name: 'loopback', host: '127.0.0.1', port: 1 }));
manager.registerApiQuotaMonitor('openai', () => ({ remaining: 900, limit: 1_000 }));
await manager.start();
await manager.checkNow();
await manager.execute(ResourceType.API_QUOTA, async () => 'answer');
// a call parked in the queue: stop() rejects it
const queued = manager.execute(ResourceType.NETWORK, async () => {
  throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
});
queued.catch(() => undefined);
while ((await manager.getHealthReport()).queues.network?.size !== 1) await new Promise((resolve) => setImmediate(resolve));
await manager.stop();
const error = await queued.catch((e) => e);
console.log('stopped;', error.name);
