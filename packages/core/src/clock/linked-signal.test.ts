import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from './linked-signal.js';

describe('linkSignals', () => {
  it('aborts with the first source to abort, and releases the other source', () => {
    const long = new AbortController();
    const call = new AbortController();
    const link = linkSignals(call.signal, long.signal);
    call.abort(new Error('caller gave up'));
    expect(link.signal.aborted).toBe(true);
    expect((link.signal.reason as Error).message).toBe('caller gave up');
    expect(getEventListeners(long.signal, 'abort')).toHaveLength(0);
  });

  it('leaves no listener on a long-lived source after thousands of disposed links', () => {
    const long = new AbortController();
    for (let i = 0; i < 5_000; i++) {
      const link = linkSignals(new AbortController().signal, long.signal);
      link.dispose();
      link.dispose();
    }
    expect(getEventListeners(long.signal, 'abort')).toHaveLength(0);
  });

  it('returns a single source as is and starts aborted when a source already is', () => {
    const only = new AbortController().signal;
    expect(linkSignals(undefined, only).signal).toBe(only);
    const done = new AbortController();
    done.abort('stopped');
    expect(linkSignals(new AbortController().signal, done.signal).signal.reason).toBe('stopped');
  });
});
