import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { RampartError } from '../errors/rampart-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { classifyError } from './classify-error.js';
import { isErrorClassification } from './error-classification.js';
import { FailureMeaning } from './failure-meaning.js';

describe('FailureMeaning', () => {
  it('names the four meanings (and a provider that cannot serve the request) as frozen classifications', () => {
    expect(FailureMeaning.requestFault()).toEqual({ kind: 'permanent', scope: 'request' });
    expect(FailureMeaning.providerDown()).toEqual({ kind: 'transient', providerDown: true });
    expect(FailureMeaning.providerDown({ retryAfterMs: 5_000 })).toEqual({ kind: 'transient', providerDown: true, retryAfterMs: 5_000 });
    expect(FailureMeaning.providerUnusable()).toEqual({ kind: 'permanent', scope: 'provider' });
    expect(FailureMeaning.unusableFor('write')).toEqual({ kind: 'permanent', scope: 'operation', operation: 'write' });
    expect(FailureMeaning.retryable()).toEqual({ kind: 'transient' });
    expect(FailureMeaning.retryable({ kind: 'rate_limited', retryAfterMs: 400 })).toEqual({ kind: 'rate_limited', retryAfterMs: 400 });
    for (const c of [FailureMeaning.requestFault(), FailureMeaning.unusableFor('write'), FailureMeaning.retryable({ retryAfterMs: 1 })]) expect(Object.isFrozen(c)).toBe(true);
  });

  it('an operation scope names its operation, and only it has one', () => {
    expect(isErrorClassification({ kind: 'permanent', scope: 'operation', operation: 'write' })).toBe(true);
    expect(isErrorClassification({ kind: 'permanent', scope: 'operation' })).toBe(false);
    expect(isErrorClassification({ kind: 'permanent', scope: 'provider', operation: 'write' })).toBe(false);
  });

  it('rejects a meaning it cannot represent, naming the path', () => {
    expect(() => FailureMeaning.unusableFor('')).toThrow(ConfigError);
    expect(() => FailureMeaning.providerDown({ retryAfterMs: -1 })).toThrow('FailureMeaning.providerDown.retryAfterMs');
    expect(() => FailureMeaning.retryable({ kind: 'permanent' as never })).toThrow('FailureMeaning.retryable.kind');
  });
});

describe('RampartError classification', () => {
  it('is fixed when the error is created: an own, frozen, read-only property that classifyError reads', () => {
    const err = new RampartError('standby is read-only', { code: 'ReadOnlyServer', classification: FailureMeaning.unusableFor('write'), cause: new Error('25006') });
    expect(classifyError(err)).toEqual({ kind: 'permanent', scope: 'operation', operation: 'write' });
    expect(Object.hasOwn(err, 'rampartClassification')).toBe(true);
    expect(() => {
      (err as unknown as { rampartClassification: unknown }).rampartClassification = FailureMeaning.requestFault();
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(err, 'rampartClassification', { value: FailureMeaning.requestFault() })).toThrow(TypeError);
    expect(classifyError(err).scope).toBe('operation');
    expect(err.code).toBe('ReadOnlyServer');
    expect(err.name).toBe('ReadOnlyServer');
  });

  it("a user's own error class says what it means in its constructor", () => {
    class PaymentDeclined extends RampartError {
      constructor() {
        super('card declined', { code: 'PaymentDeclined', classification: FailureMeaning.requestFault() });
      }
    }
    expect(classifyError(new PaymentDeclined())).toEqual({ kind: 'permanent', scope: 'request' });
  });

  it("does not depend on class names: Rampart's errors keep their code and meaning under a minifier's names", () => {
    // what a minifier does: the class is renamed
    const a = class extends TimeoutError {};
    Object.defineProperty(a, 'name', { value: 'a' });
    const err = new a(100);
    expect(err.code).toBe('TimeoutError');
    expect(classifyError(err).kind).toBe('timeout');
    const b = class extends RampartError {};
    Object.defineProperty(b, 'name', { value: 'b' });
    expect(classifyError(new b('x', { classification: FailureMeaning.providerDown() }))).toEqual({ kind: 'transient', providerDown: true });
  });
});
