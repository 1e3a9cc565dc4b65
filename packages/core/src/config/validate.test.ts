import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import {
  fraction,
  functionValue,
  nonNegativeInt,
  nonNegativeNumber,
  optionsObject,
  positiveInt,
  positiveNumber,
} from './validate.js';

function rejects(fn: () => unknown, path: string, value: unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).path).toBe(path);
    expect((e as ConfigError).value).toBe(value);
    return;
  }
  throw new Error(`expected ${path}=${String(value)} to be rejected`);
}

describe('validators', () => {
  it('positiveNumber', () => {
    expect(positiveNumber('a.b', 0.5)).toBe(0.5);
    rejects(() => positiveNumber('a.b', 0), 'a.b', 0);
    rejects(() => positiveNumber('a.b', -1), 'a.b', -1);
    rejects(() => positiveNumber('a.b', Number.NaN), 'a.b', Number.NaN);
    rejects(() => positiveNumber('a.b', '3'), 'a.b', '3');
    rejects(() => positiveNumber('a.b', Number.POSITIVE_INFINITY), 'a.b', Number.POSITIVE_INFINITY);
    expect(positiveNumber('a.b', Number.POSITIVE_INFINITY, { allowInfinity: true })).toBe(Number.POSITIVE_INFINITY);
  });

  it('nonNegativeNumber', () => {
    expect(nonNegativeNumber('x', 0)).toBe(0);
    rejects(() => nonNegativeNumber('x', -0.1), 'x', -0.1);
    rejects(() => nonNegativeNumber('x', Number.NEGATIVE_INFINITY, { allowInfinity: true }), 'x', Number.NEGATIVE_INFINITY);
  });

  it('positiveInt and nonNegativeInt', () => {
    expect(positiveInt('n', 1)).toBe(1);
    rejects(() => positiveInt('n', 0), 'n', 0);
    rejects(() => positiveInt('n', 1.5), 'n', 1.5);
    expect(positiveInt('n', Number.POSITIVE_INFINITY, { allowInfinity: true })).toBe(Number.POSITIVE_INFINITY);
    expect(nonNegativeInt('n', 0)).toBe(0);
    rejects(() => nonNegativeInt('n', -1), 'n', -1);
    rejects(() => nonNegativeInt('n', 0.5), 'n', 0.5);
  });

  it('fraction', () => {
    expect(fraction('r', 0)).toBe(0);
    expect(fraction('r', 1)).toBe(1);
    rejects(() => fraction('r', 1.01), 'r', 1.01);
    rejects(() => fraction('r', -0.01), 'r', -0.01);
  });

  it('functionValue and optionsObject', () => {
    const f = () => 1;
    expect(functionValue('f', f)).toBe(f);
    rejects(() => functionValue('f', 1), 'f', 1);
    expect(optionsObject('o', undefined)).toEqual({});
    rejects(() => optionsObject('o', 5 as unknown as object), 'o', 5);
  });
});
