// QUEUE_REQUEST waiting for a monitor: the network monitor reports unavailable, so the call is
// queued at once (proactively); two healthy checks later (200 ms apart) the queue replays it.
import { ResilienceManager, ResourceStatus, ResourceType } from '@rampart/core';

let checks = 0;
const monitor = {
  name: 'api',
  resourceType: ResourceType.NETWORK,
  check: async () => ({ status: ++checks === 1 ? ResourceStatus.UNAVAILABLE : ResourceStatus.HEALTHY }),
};
const manager = new ResilienceManager('waits-monitor-queue', {
  checkIntervalMs: 200,
  queue: { maxWaitMs: 30_000 },
  fallbackStrategies: { network: [{ strategy: 'queue_request' }] },
});
manager.registerMonitor(monitor);
await manager.start();
const answer = await manager.execute(ResourceType.NETWORK, async () => `answered after ${checks} checks`);
console.log(answer);
await manager.stop();
