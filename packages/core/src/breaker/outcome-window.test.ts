import { describe, expect, it } from 'vitest';
import { isCountTriples } from './outcome-window.js';

describe('isCountTriples', () => {
  it('accepts consistent [total, failures, slow] triples only', () => {
    expect(isCountTriples([])).toBe(true);
    expect(isCountTriples([[3, 1, 2], [0, 0, 0]])).toBe(true);
    for (const bad of [null, [[1, 2, 0]], [[1, 0, 2]], [[1, 1]], [[-1, 0, 0]], [[1.5, 0, 0]], [['1', 0, 0]], 'x']) {
      expect(isCountTriples(bad)).toBe(false);
    }
  });
});
