import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeArgs } from './json-args.js';

describe('serializeArgs', () => {
  it('is canonical: key order does not matter', () => {
    expect(serializeArgs([{ b: 1, a: { d: 2, c: 3 } }])).toEqual(serializeArgs([{ a: { c: 3, d: 2 }, b: 1 }]));
    expect(serializeArgs(['x', 1, null, true])).toEqual({ ok: true, json: '["x",1,null,true]' });
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), (args) => {
        const r = serializeArgs(args);
        expect(r.ok).toBe(true);
        if (r.ok) expect(serializeArgs(JSON.parse(r.json) as unknown[])).toEqual(r);
      }),
    );
  });

  it('names the argument that is not plain JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(serializeArgs([1, new Date(0)])).toEqual({ ok: false, reason: 'args[1] is a Date, not a plain object' });
    expect(serializeArgs([{ cb: () => 1 }])).toEqual({ ok: false, reason: 'args[0].cb is a function' });
    expect(serializeArgs([cyclic])).toEqual({ ok: false, reason: 'args[0].self is circular' });
    expect(serializeArgs([Number.NaN])).toEqual({ ok: false, reason: 'args[0] is NaN' });
    expect(serializeArgs([10n])).toEqual({ ok: false, reason: 'args[0] is a bigint' });
  });

  it('accepts shared (non-circular) references', () => {
    const shared = { a: 1 };
    expect(serializeArgs([shared, shared]).ok).toBe(true);
  });
});
