import { describe, expect, it } from 'vitest';
import { CircuitState } from './circuit-state.js';

describe('CircuitState', () => {
  it('has the three contract values and is frozen', () => {
    expect(CircuitState).toEqual({ Closed: 'closed', Open: 'open', HalfOpen: 'half_open' });
    expect(Object.isFrozen(CircuitState)).toBe(true);
  });
});
