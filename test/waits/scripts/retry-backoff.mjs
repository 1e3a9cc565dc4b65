// A retry's backoff: the call fails twice, then succeeds after two 50 ms waits.
import { ExponentialBackoff, retry } from '@rampart/core';

let n = 0;
const f = retry({ maxAttempts: 3, strategy: new ExponentialBackoff({ baseDelayMs: 50 }) })(async () => {
  if (++n < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  return 'ok';
});
console.log(await f(), n);
