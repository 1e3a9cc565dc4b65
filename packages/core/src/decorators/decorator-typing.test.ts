import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const tsc = join(fixtures, '../../../../../node_modules/.bin/tsc');

function compile(mode: 'standard' | 'legacy'): string {
  try {
    return execFileSync(tsc, ['-p', join(fixtures, `tsconfig.${mode}.json`)], { encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`tsc (${mode}) failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

// decorated-team.ts and fallback-typing.ts hold @ts-expect-error lines: they compile only if the
// decorated methods and wrapped functions keep their exact parameter and return types, every async
// decorator (@retry, @circuitBreaker, @timeout, @bulkhead, @hedging, @withFallback, @fallback)
// rejects a method or function that does not return a promise, @fallback
// rejects values that do not fit the result, and wrap adds a fallback's value to its type.
describe('decorated methods keep their types under tsc', () => {
  it('as TC39 standard decorators', () => {
    expect(compile('standard')).toBe('');
  });
  it('as legacy experimentalDecorators', () => {
    expect(compile('legacy')).toBe('');
  });
});
