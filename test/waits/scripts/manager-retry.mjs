// The manager's RETRY step, through manager.execute and through withFallback (the decorator's
// free-function form): each first attempt fails transiently, the retry 100 ms later answers.
import { ResilienceManager, ResourceType, withFallback } from '@rampart/core';

const manager = new ResilienceManager('waits-retry', { retry: { baseDelayMs: 100, maxDelayMs: 100 } });
function flaky() {
  let calls = 0;
  return async () => {
    if (++calls === 1) throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
    return `answered on call ${calls}`;
  };
}
console.log(await manager.execute(ResourceType.NETWORK, flaky()));
console.log(await withFallback(ResourceType.NETWORK, { manager })(flaky())());
await manager.stop();
