import { describe, expect, it } from 'vitest';
import { callContext, handledRejection, isThenable } from './call-context.js';

describe('call helpers', () => {
  it('callContext: the caller signal when given, else a shared context with never-aborting signals', () => {
    const ac = new AbortController();
    expect(callContext(ac.signal)).toEqual({ signal: ac.signal, attempt: 1 });
    const shared = callContext(undefined);
    expect(callContext(undefined)).toBe(shared);
    expect(shared.attempt).toBe(1);
    expect(shared.signal.aborted).toBe(false);
    expect(shared.signal).not.toBe(shared.signal); // fresh per read: nothing accumulates on it
    expect(Object.isFrozen(shared)).toBe(true);
  });

  it('isThenable recognises promises and thenables only', () => {
    expect(isThenable(Promise.resolve())).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
    expect(isThenable(Object.assign(() => 1, { then: () => undefined }))).toBe(true);
    for (const v of [null, undefined, 1, 'x', { then: 1 }, () => 1]) expect(isThenable(v)).toBe(false);
  });

  it('handledRejection rejects with the error without raising unhandledRejection', async () => {
    const seen: unknown[] = [];
    const on = (r: unknown) => seen.push(r);
    process.on('unhandledRejection', on);
    try {
      const e = new Error('x');
      const p = handledRejection(e);
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([]);
      await expect(p).rejects.toBe(e);
    } finally {
      process.off('unhandledRejection', on);
    }
  });
});
