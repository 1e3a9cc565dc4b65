import type { Backoff } from '../backoff.js';

/** Delays for retries 1..n, threading previousDelayMs as the retry loop does. */
export function delays(backoff: Backoff, n: number, random: () => number): number[] {
  const out: number[] = [];
  let previousDelayMs: number | undefined;
  for (let attempt = 1; attempt <= n; attempt++) {
    const d = backoff.delayMs(attempt, previousDelayMs === undefined ? { random } : { previousDelayMs, random });
    out.push(d);
    previousDelayMs = d;
  }
  return out;
}

export { configPath } from '../../__fixtures__/config-path.js';
