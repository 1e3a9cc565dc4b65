import { describe, expect, it } from 'vitest';
import { makeDualDecorator, type WrapTarget } from './method-decorator.js';

const seen: WrapTarget[] = [];
const twice = makeDualDecorator((fn, target) => {
  seen.push(target);
  return async function (this: unknown, ...args: unknown[]) {
    return [await fn.apply(this, args), await fn.apply(this, args)];
  } as unknown as typeof fn;
}, 'twice');

class Counter {
  count = 0;
  @twice
  async bump(by: number): Promise<number> {
    this.count += by;
    return this.count;
  }
}

describe('makeDualDecorator (runs in both decorator modes)', () => {
  it('decorates a method, keeping this and name', async () => {
    const c = new Counter();
    expect(await c.bump(2)).toEqual([2, 4]);
    expect(c.count).toBe(4);
    expect(Counter.prototype.bump.name).toBe('bump');
    expect(seen.some((t) => t.name === 'bump' && t.kind === 'method')).toBe(true);
  });

  it('wraps a free function', async () => {
    const add = twice(async function add(a: number) {
      return a + 1;
    });
    expect(await add(1)).toEqual([2, 2]);
    expect(add.name).toBe('add');
  });

  it('rejects misuse with a clear error', () => {
    expect(() => (twice as unknown as (x: number) => unknown)(3)).toThrow(/twice\(\.\.\.\) must be applied/);
  });
});
