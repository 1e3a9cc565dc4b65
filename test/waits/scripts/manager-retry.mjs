// The manager's RETRY step: the first attempt fails transiently, the retry 100 ms later answers.
import { ResilienceManager, ResourceType } from '@rampart/core';

const manager = new ResilienceManager('waits-retry', { retry: { baseDelayMs: 100, maxDelayMs: 100 } });
let calls = 0;
const answer = await manager.execute(ResourceType.NETWORK, async () => {
  if (++calls === 1) throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
  return `answered on call ${calls}`;
});
console.log(answer);
await manager.stop();
