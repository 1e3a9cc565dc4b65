// A rate limiter's wait: the second call waits ~100 ms for its token.
import { createRateLimiter } from '@rampart/core';

const limiter = createRateLimiter('waits-rate', { tokensPerInterval: 1, intervalMs: 100, maxWaitMs: 5_000 });
await limiter.execute(async () => 'first');
console.log(await limiter.execute(async () => 'second, after a wait'));
