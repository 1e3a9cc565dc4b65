// A round of checks that start() and checkNow() await: a check that never answers (and holds
// nothing) is reported unavailable at the 200 ms check deadline instead of ending the script.
import { ResilienceManager } from '@rampart/core';

const manager = new ResilienceManager('waits-check', { checkTimeoutMs: 200 });
manager.registerApiQuotaMonitor('openai', () => new Promise(() => {}));
await manager.start();
await manager.checkNow();
console.log(manager.getMonitorStatus('api_quota:openai')?.status);
await manager.stop();
