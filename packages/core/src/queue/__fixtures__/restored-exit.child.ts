// Restores the persisted requests in a FileStore directory (argv[2]) on the real clock, and does not
// stop the queue. Nobody in this process awaits them: the process must exit by itself at once. With
// argv[3] === 'await' it also parks a call and awaits its replay (on the 200 ms poll): that call
// must hold the process until it is answered.
import { systemClock } from '../../clock/clock.js';
import { ResourceType } from '../../resource/resource-types.js';
import { FileStore } from '../../store/file-store.js';
import { RequestQueue } from '../request-queue.js';

const queue = new RequestQueue({
  team: 't',
  maxQueueSize: 10,
  maxWaitMs: 3_600_000,
  retryIntervalMs: 200,
  resultRetentionMs: 60_000,
  maxRetainedResults: 10,
  clock: systemClock,
  store: new FileStore(process.argv[2]!),
  pollOnTimer: () => true,
  replayDue: () => true,
  redact: (s) => s,
});
await queue.restore();
console.log(`restored ${queue.size(ResourceType.NETWORK)}`);
if (process.argv[3] === 'await') console.log(await queue.enqueue({ resource: ResourceType.NETWORK, priority: 0, replay: async () => 'replayed' }));
