import { ConfigError } from '../errors/config-error.js';

/**
 * A deterministic random source in [0, 1) (mulberry32): the same seed gives the same sequence,
 * so jittered backoffs and chaos policies are reproducible in tests.
 */
export function seededRandom(seed: number): () => number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ConfigError('seed', `must be a finite number, got ${String(seed)}`, seed);
  }
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
