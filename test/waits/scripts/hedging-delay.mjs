// A hedging delay: attempt 1 stalls, attempt 2 starts after 100 ms.
import { createHedging } from '@rampart/core';

const policy = createHedging({ delayMs: 100 });
const answer = await policy.execute(({ attempt, signal }) =>
  attempt === 1
    ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    : Promise.resolve(`answer from attempt ${attempt}`),
);
console.log(answer);
