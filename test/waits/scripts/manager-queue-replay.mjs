// QUEUE_REQUEST: the failed call is parked in the queue and replayed on the next poll (100 ms).
import { ResilienceManager, ResourceType } from '@rampart/core';

const manager = new ResilienceManager('waits-queue', {
  queue: { retryIntervalMs: 100 },
  fallbackStrategies: { network: [{ strategy: 'queue_request' }] },
});
let calls = 0;
const answer = await manager.execute(ResourceType.NETWORK, async () => {
  if (++calls === 1) throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
  return `replayed (call ${calls})`;
});
console.log(answer);
await manager.stop();
