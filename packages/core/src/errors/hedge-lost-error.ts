import { RampartError } from './rampart-error.js';

const PERMANENT = Object.freeze({ kind: 'permanent' } as const);

/**
 * The abort reason of a hedged attempt whose sibling succeeded first: the attempt lost the race and
 * its result is no longer wanted. Built without a stack trace (one per call that has losers).
 * Classified as permanent: retrying a lost attempt makes no sense.
 */
export class HedgeLostError extends RampartError {
  /** The attempt that won (1-based). */
  readonly winner: number;

  constructor(winner: number) {
    super(`Hedged attempt lost the race to attempt ${winner}`, { code: 'HedgeLostError', classification: PERMANENT });
    this.winner = winner;
  }
}
