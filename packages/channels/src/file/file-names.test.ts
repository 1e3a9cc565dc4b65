import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessagePriority } from '../message.js';
import { claimedName, messageFileName, parseClaimedName, parseTemporaryName, temporaryName } from './file-names.js';

interface Sent {
  priority: MessagePriority;
  timestamp: number;
  sequence: number;
  id: string;
}

const sent = fc.record({
  priority: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<MessagePriority>,
  timestamp: fc.integer({ min: 0, max: 9_999_999_999_999 }),
  sequence: fc.nat({ max: 2 ** 40 }),
  id: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 200 })),
});

/** The delivery order the channel promises: priority desc, then timestamp, then send sequence. */
const deliveryOrder = (a: Sent, b: Sent) => b.priority - a.priority || a.timestamp - b.timestamp || a.sequence - b.sequence;

describe('messageFileName', () => {
  it('sorting file names gives the delivery order (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(sent, { selector: (s) => s.sequence, minLength: 1, maxLength: 40 }), (messages) => {
        const byName = [...messages].sort((a, b) => {
          const x = messageFileName(a, a.sequence);
          const y = messageFileName(b, b.sequence);
          return x < y ? -1 : x > y ? 1 : 0;
        });
        expect(byName).toEqual([...messages].sort(deliveryOrder));
      }),
    );
  });

  it('is a safe file name of bounded length for any id', () => {
    fc.assert(
      fc.property(sent, (m) => {
        const name = messageFileName(m, m.sequence);
        expect(name).toMatch(/^[1-4]-\d{16}-[0-9a-z]{10}-[A-Za-z0-9_-]+\.msg$/);
        expect(name.length).toBeLessThan(120);
      }),
    );
  });

  it('claimed and temporary names round-trip their owner', () => {
    const owner = { pid: 4242, token: 'a1b2c3' };
    const name = messageFileName({ priority: 4, timestamp: 1, id: 'x' }, 0);
    expect(parseClaimedName(claimedName(name, owner))).toEqual({ messageName: name, owner });
    expect(parseTemporaryName(temporaryName(owner, 'probe', 'ff00'))).toEqual(owner);
    expect(parseClaimedName('notes.txt')).toBeUndefined();
  });
});
