// A call queued in a bulkhead behind a call that is waiting out a retry backoff.
import { createBulkhead, createRetry, FixedBackoff, wrap } from '@rampart/core';

const policy = wrap(createBulkhead({ maxConcurrent: 1, maxQueued: 1 }), createRetry({ maxAttempts: 2, strategy: new FixedBackoff({ delayMs: 100 }) }));
let first = 0;
const a = policy.execute(async () => {
  if (++first === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  return 'a';
});
const b = policy.execute(async () => 'b');
console.log((await Promise.all([a, b])).join(','));
